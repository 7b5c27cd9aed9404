/// <reference lib="dom" />
/**
 * The web app's part of `pnpm bench`: the board with 10,000 connectors in a real browser, the board
 * query under 50 concurrent clients next to the cheapest signed-in call (`me`), 200 users with the
 * board open (pages pushed over server-sent events, then polling with ETag) and the server's CPU
 * meanwhile, and the time from a task failure on the real stack to FAILED in an open page (the
 * failure-to-webhook figure is failure-bench.ts's). Everything runs on loopback against the production build; each server, browser
 * and receiver it starts is stopped before it returns.
 */
import type { ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { chromium, type Browser, type BrowserContext, type JSHandle } from "playwright-core";
import { createDb } from "@switchboard/db/client";
import { getClusterByName, updateCluster } from "@switchboard/db/repos/clusters";
import { createConnector, type Connector } from "@switchboard/db/repos/connectors";
import { recordClusterHealth, recordConnectorsHealth, type HealthObservation } from "@switchboard/db/repos/health";
import { getTeamByName } from "@switchboard/db/repos/teams";
import { DEMO_PASSWORD } from "@switchboard/db/seed";
import { PROBE_INTERVAL_MS } from "@switchboard/domain/board-snapshot";
import { putConnector, resetCluster } from "@switchboard/stack/cluster-fixture";
import type { StackEndpoints } from "@switchboard/stack/stack";
import { ensureWebBuild, prepareDatabase, spawnWebServer } from "@switchboard/stack/web-app";

/** Apart from `pnpm start` (3000), the browser tests (3100) and the dev stack (18083/18084/19092). */
export const BOARD_PORT = 3300;
export const WORKER_PORT = 3301;
export const BOARD_CONNECTORS = 10_000;
const COLD_LOADS = 5;
const CLIENTS = 50;
const REQUESTS_PER_CLIENT = 20;
const OPEN_BOARDS = 200;
const OPEN_BOARD_SECONDS = 30;
const POLL_MS = 5_000;
/** While the boards are open, a few connectors change state this often (written by another process). */
const CHANGE_EVERY_MS = 2_000;
const FAILURE_BOARD_TRIALS = 10;
/** The REST poll during the failure → board trials: far longer than any figure, so only the status topic can carry it. */
const FAILURE_BOARD_POLL_SECONDS = 60;
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OWNER = "owner@example.com";

export type WebBenchOptions = {
  /** The bench stack (not the dev stack): the failure-to-board run deploys to it. */
  endpoints: StackEndpoints;
  /** Where the bench databases and server logs go (`.stack/bench`). */
  dataDir: string;
  /** Stores a figure under `key` in the results and prints `line`. */
  record: (key: string, value: unknown, line: string) => void;
  log: (msg: string) => void;
  /** The board server's port (default {@link BOARD_PORT}). */
  boardPort?: number;
  /** The port of the server with the worker in-process (default {@link WORKER_PORT}). */
  workerPort?: number;
  /** Only the board figures (no failure-to-board run, which needs the bench stack). */
  boardOnly?: boolean;
};

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
/** Nearest-rank percentile. */
const percentile = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const ms = (x: number) => `${Math.round(x)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// ---- Seeding ----

const DOMAINS: Record<string, string[]> = {
  payments: ["orders", "ledger", "refunds", "invoices", "payouts", "chargebacks", "fraud-signals", "settlements"],
  analytics: ["clicks", "pageviews", "sessions", "events", "experiments", "search-queries", "recommendations", "impressions"],
};

const KINDS: { suffix: string; connectorClass: string; extra: (topic: string) => Record<string, string> }[] = [
  { suffix: "s3-sink", connectorClass: "io.confluent.connect.s3.S3SinkConnector", extra: (t) => ({ topics: t, "s3.bucket.name": "lake-raw", "flush.size": "1000" }) },
  { suffix: "jdbc-sink", connectorClass: "io.confluent.connect.jdbc.JdbcSinkConnector", extra: (t) => ({ topics: t, "connection.url": "jdbc:postgresql://db:5432/warehouse", "insert.mode": "upsert" }) },
  { suffix: "es-sink", connectorClass: "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector", extra: (t) => ({ topics: t, "connection.url": "http://search:9200" }) },
  { suffix: "bq-sink", connectorClass: "com.wepay.kafka.connect.bigquery.BigQuerySinkConnector", extra: (t) => ({ topics: t, project: "analytics-prod", defaultDataset: "raw" }) },
  { suffix: "cdc", connectorClass: "io.debezium.connector.postgresql.PostgresConnector", extra: (t) => ({ "topic.prefix": t, "database.hostname": "db", "plugin.name": "pgoutput" }) },
  { suffix: "mock-sink", connectorClass: "org.apache.kafka.connect.tools.MockSinkConnector", extra: (t) => ({ topics: t }) },
];

const TRACE = (i: number) =>
  [
    `org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception (attempt ${i % 7})`,
    "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:636)",
    "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.poll(WorkerSinkTask.java:345)",
    "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.iteration(WorkerSinkTask.java:247)",
    "\tat org.apache.kafka.connect.runtime.WorkerTask.doRun(WorkerTask.java:204)",
    "Caused by: java.net.SocketTimeoutException: Connect timed out",
    "\tat java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:546)",
  ].join("\n");

/** Observed state of the i-th seeded connector: mostly RUNNING, some failing, paused, stopped or not deployed. */
function observation(name: string, i: number, tasks: number): HealthObservation | null {
  const bucket = i % 100;
  if (bucket < 80) return { connectorName: name, state: "RUNNING", tasksRunning: tasks, tasksTotal: tasks, tasksFailed: 0 };
  if (bucket < 86) return { connectorName: name, state: "FAILED", tasksRunning: 0, tasksTotal: tasks, tasksFailed: tasks, trace: TRACE(i) };
  if (bucket < 91) return { connectorName: name, state: "DEGRADED", tasksRunning: tasks, tasksTotal: tasks + 1, tasksFailed: 1, trace: TRACE(i) };
  if (bucket < 95) return { connectorName: name, state: "PAUSED", tasksRunning: 0, tasksTotal: tasks, tasksFailed: 0 };
  if (bucket < 98) return { connectorName: name, state: "STOPPED", tasksRunning: 0, tasksTotal: 0, tasksFailed: 0 };
  // Left out: the monitor records a deployed connector absent from the cluster as MISSING.
  return null;
}

/** The i-th seeded connector's name; fixed width, so no name is a prefix of another. */
function boardName(i: number): string {
  const team = i % 2 === 0 ? "payments" : "analytics";
  const domains = DOMAINS[team]!;
  return `${team}-${domains[Math.floor(i / 2) % domains.length]}-${KINDS[i % KINDS.length]!.suffix}-${String(i).padStart(4, "0")}`;
}

/** A fresh database with the demo data plus connectors up to {@link BOARD_CONNECTORS} in total, with health. */
async function seedBoardDatabase(url: string, ep: StackEndpoints, log: WebBenchOptions["log"]): Promise<{ searchTerm: string; clusterId: string }> {
  await prepareDatabase(url, ep);
  const db = createDb(url);
  try {
    const cluster = await getClusterByName(db, "local");
    const teams = new Map<string, string>();
    for (const name of Object.keys(DOMAINS)) teams.set(name, (await getTeamByName(db, name))!.id);
    if (!cluster) throw new Error("the seed has no local cluster");
    const existing = await db.connector.count({ where: { deletedAt: null } });
    const count = BOARD_CONNECTORS - existing;
    log(`web: seeding ${count} connectors (plus ${existing} from the demo seed)…`);
    const t0 = performance.now();
    const observations: HealthObservation[] = [];
    const batch: Parameters<typeof createConnector>[2][] = [];
    for (let i = 0; i < count; i++) {
      const name = boardName(i);
      const team = name.startsWith("payments") ? "payments" : "analytics";
      const kind = KINDS[i % KINDS.length]!;
      const tasks = 1 + (i % 4);
      const topic = `${team}.${DOMAINS[team]![Math.floor(i / 2) % DOMAINS[team]!.length]}.v${1 + (i % 3)}`;
      const config = { "connector.class": kind.connectorClass, "tasks.max": String(tasks), ...kind.extra(topic) };
      const state = i % 100 >= 91 && i % 100 < 95 ? "PAUSED" : i % 100 >= 95 && i % 100 < 98 ? "STOPPED" : "RUNNING";
      batch.push({ name, clusterId: cluster.id, teamId: teams.get(team)!, desiredState: state, config, secrets: {} });
      const o = observation(name, i, tasks);
      if (o) observations.push(o);
      // One transaction per 500 definitions: SQLite commits, not the writes, dominate otherwise.
      if (batch.length === 500 || i === count - 1) {
        const items = batch.splice(0);
        await db.$transaction(async (tx) => {
          for (const item of items) await createConnector(tx, null, item);
        }, { timeout: 120_000 });
      }
    }
    // As if every definition had been deployed once; one statement instead of 10,000 audited writes.
    await db.connector.updateMany({ where: { clusterId: cluster.id }, data: { deployedVersion: 1 } });
    await recordClusterHealth(db, cluster.id, observations);
    log(`web: seeded in ${Math.round((performance.now() - t0) / 1000)} s`);
    return { searchTerm: boardName(Math.floor(count / 2) + 1), clusterId: cluster.id };
  } finally {
    await db.$disconnect();
  }
}

// ---- Processes ----

type Server = { url: string; pid: number; stop: () => Promise<void> };

/** `next start` on `port` with its output in `<dataDir>/web-<port>.log`; resolves once it serves `/login`. */
async function startServer(opts: WebBenchOptions, port: number, databaseUrl: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const logFile = join(opts.dataDir, `web-${port}.log`);
  const out = createWriteStream(logFile);
  const child: ChildProcess = spawnWebServer({ port, databaseUrl, endpoints: opts.endpoints, env, stdio: "pipe" });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      // The in-process worker gets a grace period on SIGTERM; do not wait forever for it.
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    out.end();
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the web server on port ${port} exited; see ${logFile}`);
      const ok = await fetch(`${url}/login`, { signal: AbortSignal.timeout(5_000) }).then(
        async (r) => {
          await r.body?.cancel();
          return r.ok;
        },
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the web server on port ${port} did not answer within 90 s; see ${logFile}`);
      await sleep(250);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  opts.log(`web: server on ${url} (output in ${logFile})`);
  return { url, pid: child.pid!, stop };
}

async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Signs in through the login form; returns the signed-in storage state (session cookie) for new contexts. */
async function signIn(browser: Browser, baseURL: string): Promise<Awaited<ReturnType<BrowserContext["storageState"]>>> {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(OWNER);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 30_000 });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

// ---- 1. Cold loads of the board ----

type ColdLoad = {
  fcpMs: number;
  rowsMs: number;
  hydratedMs: number;
  /** Rows shown and the search box hydrated: from here typing works. */
  interactiveMs: number;
  /** A typed search shown in the table (includes the board's 250 ms typing debounce and the query). */
  searchAppliedMs: number;
  scripts: { count: number; transferBytes: number; encodedBytes: number; decodedBytes: number };
  documentBytes: { encoded: number; decoded: number };
};

const ROW_LINKS = 'table tbody tr a[href^="/connectors/"]';
const SEARCH_BOX = 'form[role="search"] input[type="search"]';

const EACH_FRAME = { polling: "raf", timeout: 60_000 } as const;

/** The time a `waitForFunction` probe returned: the page's `performance.now()`, i.e. ms since its navigation started. */
async function timeOf(pending: Promise<JSHandle<number | false>>): Promise<number> {
  const handle = await pending;
  const t = (await handle.jsonValue()) as number;
  await handle.dispose();
  return t;
}

/** One load of `/` in a new context (empty cache); times are from the navigation start. */
async function coldLoad(browser: Browser, baseURL: string, storageState: Awaited<ReturnType<BrowserContext["storageState"]>>, term: string): Promise<ColdLoad> {
  const context = await browser.newContext({ baseURL, storageState });
  try {
    const page = await context.newPage();
    await page.goto("/", { waitUntil: "commit" });
    // Both watched at once: whichever happens first is timed when it happens.
    const [rows, hydrated] = await Promise.all([
      timeOf(page.waitForFunction((sel: string) => (document.querySelectorAll(sel).length > 0 ? performance.now() : false), ROW_LINKS, EACH_FRAME)),
      // React sets its props on a DOM node when it hydrates it: before that, typing does nothing.
      timeOf(
        page.waitForFunction(
          (sel: string) => {
            const box = document.querySelector(sel);
            return box !== null && Object.keys(box).some((k) => k.startsWith("__reactProps$")) ? performance.now() : false;
          },
          SEARCH_BOX,
          EACH_FRAME,
        ),
      ),
    ]);
    await page.locator(SEARCH_BOX).fill(term);
    const searchAppliedMs = await timeOf(
      page.waitForFunction(
        ({ sel, term }: { sel: string; term: string }) => {
          const links = document.querySelectorAll(sel);
          return links.length === 1 && links[0]!.textContent === term ? performance.now() : false;
        },
        { sel: ROW_LINKS, term },
        EACH_FRAME,
      ),
    );
    const interactiveMs = Math.max(rows, hydrated);
    const perf = await page.evaluate((until) => {
      const fcp = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint");
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (e) => new URL(e.name).pathname.endsWith(".js") && e.startTime <= until,
      );
      return {
        fcpMs: fcp?.startTime ?? Number.NaN,
        scripts: {
          count: scripts.length,
          transferBytes: scripts.reduce((a, e) => a + e.transferSize, 0),
          encodedBytes: scripts.reduce((a, e) => a + e.encodedBodySize, 0),
          decodedBytes: scripts.reduce((a, e) => a + e.decodedBodySize, 0),
        },
        documentBytes: { encoded: nav?.encodedBodySize ?? 0, decoded: nav?.decodedBodySize ?? 0 },
      };
    }, interactiveMs);
    return { ...perf, rowsMs: rows, hydratedMs: hydrated, interactiveMs, searchAppliedMs };
  } finally {
    await context.close();
  }
}

async function benchColdLoads(opts: WebBenchOptions, browser: Browser, baseURL: string, storageState: Awaited<ReturnType<BrowserContext["storageState"]>>, term: string) {
  // One load first, so the server's first-request work is not counted as a cold browser load.
  await coldLoad(browser, baseURL, storageState, term);
  const runs: ColdLoad[] = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    runs.push(await coldLoad(browser, baseURL, storageState, term));
    opts.log(`web: cold load ${i + 1}: FCP ${ms(runs.at(-1)!.fcpMs)}, interactive ${ms(runs.at(-1)!.interactiveMs)}`);
  }
  const m = (f: (r: ColdLoad) => number) => median(runs.map(f));
  const summary = {
    connectors: BOARD_CONNECTORS,
    firstContentfulPaintMs: m((r) => r.fcpMs),
    rowsShownMs: m((r) => r.rowsMs),
    hydratedMs: m((r) => r.hydratedMs),
    interactiveMs: m((r) => r.interactiveMs),
    searchAppliedMs: m((r) => r.searchAppliedMs),
    firstLoadJs: {
      files: m((r) => r.scripts.count),
      transferBytes: m((r) => r.scripts.transferBytes),
      encodedBytes: m((r) => r.scripts.encodedBytes),
      decodedBytes: m((r) => r.scripts.decodedBytes),
    },
    documentBytes: { encoded: m((r) => r.documentBytes.encoded), decoded: m((r) => r.documentBytes.decoded) },
    runs,
  };
  opts.record(
    `webBoard${BOARD_CONNECTORS}`,
    summary,
    [
      `board with ${BOARD_CONNECTORS} connectors, cold load of / in Chromium (new context each time, median of ${COLD_LOADS}):`,
      `  first render (first contentful paint) ${ms(summary.firstContentfulPaintMs)}`,
      `  time to interactive ${ms(summary.interactiveMs)} = navigation start until the table shows its rows (${ms(summary.rowsShownMs)}) and React has hydrated the search box (${ms(summary.hydratedMs)})`,
      `  a typed search shown in the table at ${ms(summary.searchAppliedMs)} (includes the board's 250 ms typing debounce and the query)`,
      `  first-load JavaScript of /: ${summary.firstLoadJs.files} files, ${kb(summary.firstLoadJs.encodedBytes)} compressed (${kb(summary.firstLoadJs.transferBytes)} on the wire incl. headers), ${kb(summary.firstLoadJs.decodedBytes)} uncompressed`,
      `  HTML document: ${kb(summary.documentBytes.encoded)} compressed, ${kb(summary.documentBytes.decoded)} uncompressed`,
    ].join("\n"),
  );
}

// ---- 2. Board query under load ----

/** `connector.board` input for request `i` of client `c`: pages, state filters and searches, mixed. */
function boardInput(c: number, i: number): Record<string, unknown> {
  const states = ["FAILED", "RUNNING", "DEGRADED", "PAUSED"];
  const searches = ["payments", "orders", "s3-sink", "analytics.clicks", "jdbc", "0042", "fraud"];
  const n = c * REQUESTS_PER_CLIENT + i;
  switch (n % 4) {
    case 0:
      return { page: 1 + (n % Math.ceil(BOARD_CONNECTORS / 50)), pageSize: 50 };
    case 1:
      return { page: 1, pageSize: 50, state: states[n % states.length] };
    case 2:
      return { page: 1, pageSize: 50, search: searches[n % searches.length] };
    default:
      return { page: 1 + (n % 3), pageSize: 50, state: states[n % states.length], search: searches[n % searches.length] };
  }
}

/** A non-batched tRPC 11 query URL; superjson wraps the input as `{ json }`. */
function boardUrl(baseURL: string, input: Record<string, unknown>): string {
  return `${baseURL}/api/trpc/connector.board?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
}

/** A non-batched tRPC 11 query URL without input. */
function meUrl(baseURL: string): string {
  return `${baseURL}/api/trpc/me`;
}

/** 50 clients × 20 requests of `get`, all at once; latencies and wall time. */
async function underLoad(get: (c: number, i: number) => Promise<number>) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) latencies.push(await get(c, i));
    }),
  );
  const wallMs = performance.now() - t0;
  return {
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    throughputPerSecond: latencies.length / (wallMs / 1000),
    wallMs,
  };
}

async function benchBoardQuery(opts: WebBenchOptions, baseURL: string, cookie: string) {
  const timed = async (url: string, check: (body: unknown) => boolean): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as unknown;
    const took = performance.now() - t0;
    if (!res.ok || !check(body)) throw new Error(`${url.split("?")[0]} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return took;
  };
  const isBoard = (b: unknown) => Array.isArray((b as { result?: { data?: { json?: { items?: unknown[] } } } }).result?.data?.json?.items);
  const isMe = (b: unknown) => typeof (b as { result?: { data?: { json?: { id?: unknown } } } }).result?.data?.json?.id === "string";
  const board = (c: number, i: number) => timed(boardUrl(baseURL, boardInput(c, i)), isBoard);
  const me = () => timed(meUrl(baseURL), isMe);
  // One client alone first: the same requests without contention, for comparison (and to warm up).
  const single: number[] = [];
  for (let i = 0; i < REQUESTS_PER_CLIENT; i++) single.push(await board(0, i));
  for (let i = 0; i < REQUESTS_PER_CLIENT; i++) await me();
  // Alternating rounds, so a busier moment of the machine does not favour one side; medians of the p95s.
  const rounds: { board: Awaited<ReturnType<typeof underLoad>>; me: Awaited<ReturnType<typeof underLoad>> }[] = [];
  for (let r = 0; r < 3; r++) rounds.push({ board: await underLoad(board), me: await underLoad(me) });
  const boardRun = rounds.map((r) => r.board).sort((a, b) => a.p95Ms - b.p95Ms)[1]!;
  const meRun = rounds.map((r) => r.me).sort((a, b) => a.p95Ms - b.p95Ms)[1]!;
  const summary = {
    clients: CLIENTS,
    ...boardRun,
    me: meRun,
    ratioP95: boardRun.p95Ms / meRun.p95Ms,
    rounds,
    singleClient: { requests: single.length, p50Ms: percentile(single, 50), p95Ms: percentile(single, 95) },
  };
  opts.record(
    "webBoardQuery50Clients",
    summary,
    [
      `board query (tRPC connector.board over HTTP, ${BOARD_CONNECTORS} connectors, ${CLIENTS} concurrent clients × ${REQUESTS_PER_CLIENT} requests; pages, state filters, searches; median of 3 alternating rounds):`,
      `  board: p50 ${ms(summary.p50Ms)}, p95 ${ms(summary.p95Ms)}, p99 ${ms(summary.p99Ms)}, max ${ms(summary.maxMs)}; ${summary.throughputPerSecond.toFixed(1)} requests/s`,
      `  me (cheapest signed-in call), same load: p50 ${ms(meRun.p50Ms)}, p95 ${ms(meRun.p95Ms)}; ${meRun.throughputPerSecond.toFixed(1)} requests/s`,
      `  board p95 / me p95 = ${summary.ratioP95.toFixed(2)} (target ≤ 1.5)`,
      `  (one client alone, ${single.length} requests: p50 ${ms(summary.singleClient.p50Ms)}, p95 ${ms(summary.singleClient.p95Ms)})`,
    ].join("\n"),
  );
}

// ---- 2b. 200 users with the board open ----

/** CPU seconds (user + system) used so far by `pid` and every process below it (Linux /proc). */
function cpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ")".
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, st] of stats) if (!tree.has(p) && tree.has(st.ppid)) (tree.add(p), (grew = true));
  }
  return [...tree].reduce((sum, p) => sum + (stats.get(p)?.cpu ?? 0), 0);
}

type OpenBoardUser = { input: Record<string, unknown>; etag: string | null };

/** One board fetch as the page does it: revalidated with the ETag of the last answer. */
async function fetchBoard(baseURL: string, cookie: string, user: OpenBoardUser, latencies: number[], statuses: Map<number, number>) {
  const t0 = performance.now();
  const res = await fetch(boardUrl(baseURL, user.input), { headers: { cookie, ...(user.etag ? { "if-none-match": user.etag } : {}) }, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  latencies.push(performance.now() - t0);
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status === 200) user.etag = res.headers.get("etag");
  else if (res.status !== 304) throw new Error(`connector.board answered ${res.status}`);
}

/**
 * A writer standing in for the worker in another process: every {@link CHANGE_EVERY_MS} it flips a
 * few connectors between RUNNING and FAILED straight in the database (the server sees it by its probe).
 */
function startChanges(databaseUrl: string, clusterId: string) {
  const db = createDb(databaseUrl);
  let n = 0;
  let stopped = false;
  /** When each write started (Date.now()), in order. */
  const writes: number[] = [];
  const done = (async () => {
    while (!stopped) {
      await sleep(CHANGE_EVERY_MS);
      writes.push(Date.now());
      const names = Array.from({ length: 3 }, (_, k) => boardName((n * 37 + k * 1013) % (BOARD_CONNECTORS - 100)));
      const failing = n % 2 === 0;
      await recordConnectorsHealth(
        db,
        clusterId,
        names,
        names.map((name) => ({ connectorName: name, state: failing ? "FAILED" : "RUNNING", tasksRunning: failing ? 0 : 1, tasksTotal: 1, tasksFailed: failing ? 1 : 0, trace: failing ? TRACE(n) : null })),
      );
      n += 1;
    }
  })();
  return {
    changes: () => n,
    /** The start of the latest write at or before `at`. */
    writeBefore: (at: number) => writes.findLast((w) => w <= at),
    stop: async () => {
      stopped = true;
      await done;
      await db.$disconnect();
    },
  };
}

/** The URL an open page streams its board from: its `connector.board` input as JSON. */
function eventsUrl(baseURL: string, input: Record<string, unknown>): string {
  return `${baseURL}/api/board/events?input=${encodeURIComponent(JSON.stringify(input))}`;
}

/** The page version and build time of a pushed page (superjson), read from its tail without parsing 35 kB per subscriber. */
function pushedPageStamp(data: string): { version: number; generatedAt: number } {
  const m = /"version":(\d+),"generatedAt":"([^"]+)"\}/.exec(data.slice(data.lastIndexOf('"version":')));
  if (!m) throw new Error(`not a board page: ${data.slice(0, 120)}`);
  return { version: Number(m[1]), generatedAt: Date.parse(m[2]!) };
}

async function benchOpenBoards(opts: WebBenchOptions, server: Server, cookie: string, databaseUrl: string, clusterId: string) {
  const users: OpenBoardUser[] = Array.from({ length: OPEN_BOARDS }, (_, u) => ({ input: boardInput(u, 0), etag: null }));
  const phase = async (mode: "sse" | "poll") => {
    /** poll: request latencies; sse: write → page received, per subscriber and change. */
    const latencies: number[] = [];
    /** sse: snapshot rebuilt → page received. */
    const fanOut: number[] = [];
    const statuses = new Map<number, number>();
    for (const u of users) u.etag = null;
    const stop = new AbortController();
    const writer = startChanges(databaseUrl, clusterId);
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    let pushed = 0;
    let pushedBytes = 0;
    const run = users.map(async (user, u) => {
      if (mode === "poll") {
        // Staggered over the interval, as pages opened at different moments would be.
        await sleep((POLL_MS * u) / OPEN_BOARDS);
        while (!stop.signal.aborted) {
          await fetchBoard(server.url, cookie, user, latencies, statuses);
          await sleep(POLL_MS);
        }
        return;
      }
      await sleep((1000 * u) / OPEN_BOARDS);
      const res = await fetch(eventsUrl(server.url, user.input), { headers: { cookie, accept: "text/event-stream" }, signal: stop.signal });
      if (res.status !== 200 || !res.body) throw new Error(`/api/board/events answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffered = "";
      let first = true;
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          const receivedAt = Date.now();
          buffered += decoder.decode(chunk, { stream: true });
          let at: number;
          while ((at = buffered.indexOf("\n\n")) >= 0) {
            const message = buffered.slice(0, at);
            buffered = buffered.slice(at + 2);
            if (!message.startsWith("event: board\ndata: ")) continue;
            // The first page is the one the stream opens with, not a change.
            if (first) {
              first = false;
              continue;
            }
            const { generatedAt } = pushedPageStamp(message);
            const wrote = writer.writeBefore(generatedAt);
            pushed += 1;
            pushedBytes += message.length;
            fanOut.push(receivedAt - generatedAt);
            if (wrote !== undefined) latencies.push(receivedAt - wrote);
          }
        }
      } catch (err) {
        if (!stop.signal.aborted) throw err;
      }
    });
    await sleep(OPEN_BOARD_SECONDS * 1000);
    stop.abort();
    await Promise.all(run);
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = cpuSeconds(server.pid) - cpu0;
    await writer.stop();
    const spread = (xs: number[]) => ({ p50Ms: percentile(xs, 50), p95Ms: percentile(xs, 95), maxMs: Math.max(...xs) });
    return {
      mode,
      users: OPEN_BOARDS,
      seconds: wallS,
      changes: writer.changes(),
      pagesPushed: pushed,
      meanPageBytes: pushedBytes / Math.max(1, pushed),
      builtToReceived: fanOut.length > 0 ? spread(fanOut) : null,
      requests: mode === "poll" ? latencies.length : 0,
      notModified: statuses.get(304) ?? 0,
      ...spread(latencies),
      serverCpuSeconds: cpuS,
      serverCpuPercentOfOneCore: (100 * cpuS) / wallS,
    };
  };
  const sse = await phase("sse");
  opts.log(`web: ${OPEN_BOARDS} open boards over SSE: write → page p95 ${ms(sse.p95Ms)}, rebuilt → page p95 ${ms(sse.builtToReceived?.p95Ms ?? Number.NaN)}, CPU ${sse.serverCpuPercentOfOneCore.toFixed(0)}%`);
  const poll = await phase("poll");
  const cpu = (r: typeof sse) => `server CPU ${r.serverCpuSeconds.toFixed(1)} s in ${r.seconds.toFixed(0)} s = ${r.serverCpuPercentOfOneCore.toFixed(0)}% of one core`;
  opts.record(
    "webOpenBoards200",
    { sse, poll },
    [
      `${OPEN_BOARDS} users with the board open, ${BOARD_CONNECTORS} connectors, ${OPEN_BOARD_SECONDS} s each way; 3 connectors change state every ${CHANGE_EVERY_MS / 1000} s, written by another process on SQLite (seen by the server's probe, at most ${PROBE_INTERVAL_MS} ms later):`,
      `  live (the page pushed over server-sent events, no refetch): ${sse.pagesPushed} pages pushed (${kb(sse.meanPageBytes)} each), no board request;`,
      `    write → page received by each subscriber: p50 ${ms(sse.p50Ms)}, p95 ${ms(sse.p95Ms)}, max ${ms(sse.maxMs)} (includes the probe's wait)`,
      `    snapshot rebuilt → page received by each subscriber: p50 ${ms(sse.builtToReceived?.p50Ms ?? Number.NaN)}, p95 ${ms(sse.builtToReceived?.p95Ms ?? Number.NaN)}, max ${ms(sse.builtToReceived?.maxMs ?? Number.NaN)}; ${cpu(sse)}`,
      `  polling every ${POLL_MS / 1000} s with If-None-Match: ${poll.requests} board requests (${poll.notModified} answered 304), p50 ${ms(poll.p50Ms)}, p95 ${ms(poll.p95Ms)}, max ${ms(poll.maxMs)}; ${cpu(poll)}`,
    ].join("\n"),
  );
}

// ---- 2c. Task failure to FAILED in an open page ----

/**
 * The time from a task failure on the real stack to FAILED in an open board in Chromium, with the
 * REST poll at 60 s so only the status topic can bring it in time. The server runs the worker
 * in-process on its own SQLite database; the failure's moment is the timestamp Connect's worker gave
 * the FAILED task record in the status topic (read by a consumer of our own), the page's moment is
 * `Date.now()` in the page when the row first shows FAILED.
 */
export async function benchFailureToBoard(opts: WebBenchOptions): Promise<void> {
  const { connectUrls, bootstrap, statusTopic } = opts.endpoints;
  process.env.SWITCHBOARD_DEMO = "1";
  ensureWebBuild(opts.log);
  const databaseUrl = `file:${join(opts.dataDir, "web-failure-board.db")}`;
  removeDatabase(databaseUrl);
  await resetCluster(connectUrls);
  await prepareDatabase(databaseUrl, opts.endpoints);
  const stamp = Date.now();
  const connectors: Connector[] = [];
  const db = createDb(databaseUrl);
  try {
    const team = await getTeamByName(db, "payments");
    const cluster = await getClusterByName(db, "local");
    if (!team || !cluster) throw new Error("the seed has no payments team or local cluster");
    await updateCluster(db, null, cluster.id, { monitorIntervalSeconds: FAILURE_BOARD_POLL_SECONDS });
    // Written before the server starts: a write from here while the worker writes can fail with SQLITE_BUSY_SNAPSHOT.
    for (let i = 0; i <= FAILURE_BOARD_TRIALS; i++) {
      connectors.push(await createConnector(db, null, { name: `board-fail-${stamp}-${String(i).padStart(2, "0")}`, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config: FAILING_CONFIG, secrets: {} }));
    }
  } finally {
    await db.$disconnect();
  }

  const failedAt = new Map<string, number>();
  const consumer = new Kafka({ brokers: [bootstrap], clientId: "failure-board-bench", logLevel: logLevel.NOTHING }).consumer({ groupId: `failure-board-bench-${stamp}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: statusTopic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const m = /^status-task-(board-fail-\d+-\d+)-0$/.exec(message.key?.toString() ?? "");
      if (m && message.value?.toString().includes('"FAILED"') && !failedAt.has(m[1]!)) failedAt.set(m[1]!, Number(message.timestamp));
    },
  });
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer(opts, opts.workerPort ?? WORKER_PORT, databaseUrl, { SWITCHBOARD_WORKER: "on" });
    browser = await launchBrowser();
    const storageState = await signIn(browser, server.url);
    const context = await browser.newContext({ baseURL: server.url, storageState });
    const page = await context.newPage();
    const runs: { name: string; ms: number }[] = [];
    // Trial 0 warms up (the worker's status-topic consumer joining, the first page compiled) and is not counted.
    for (const [i, { id, name, version }] of connectors.entries()) {
      await page.goto(`/?q=${name}`);
      await page.getByRole("row").filter({ hasText: name }).waitFor();
      await page.getByText("Live", { exact: true }).waitFor();
      await putConnector(name, { ...FAILING_CONFIG, "switchboard.id": id, "switchboard.version": String(version) }, connectUrls);
      const shown = await page.waitForFunction(
        (n: string) => {
          const row = Array.from(document.querySelectorAll("table tbody tr")).find((r) => r.textContent?.includes(n));
          return row?.textContent?.includes("FAILED") ? Date.now() : false;
        },
        name,
        { polling: "raf", timeout: (FAILURE_BOARD_POLL_SECONDS + 30) * 1000 },
      );
      const shownAt = (await shown.jsonValue()) as number;
      const failed = failedAt.get(name);
      if (failed === undefined) throw new Error(`${name}: FAILED on the page but no FAILED record read from ${statusTopic}`);
      if (i > 0) runs.push({ name, ms: shownAt - failed });
      opts.log(`web: failure → FAILED on the page, trial ${i}${i === 0 ? " (warm-up)" : ""}: ${ms(shownAt - failed)}`);
      await fetch(`${connectUrls[0]}/connectors/${encodeURIComponent(name)}`, { method: "DELETE" });
    }
    await context.close();
    const xs = runs.map((r) => r.ms);
    const summary = { trials: runs.length, pollIntervalSeconds: FAILURE_BOARD_POLL_SECONDS, medianMs: median(xs), p95Ms: percentile(xs, 95), maxMs: Math.max(...xs), runs };
    opts.record(
      "webFailureToBoard",
      summary,
      [
        `task failure → FAILED in an open board (Chromium, real stack, status topic; REST poll at ${FAILURE_BOARD_POLL_SECONDS} s, ${runs.length} trials):`,
        `  median ${ms(summary.medianMs)}, p95 ${ms(summary.p95Ms)}, max ${ms(summary.maxMs)} after Connect wrote the FAILED task record`,
      ].join("\n"),
    );
  } finally {
    await browser?.close();
    await server?.stop();
    await consumer.disconnect().catch(() => undefined);
    await resetCluster(connectUrls).catch(() => undefined);
  }
}

/** A connector whose task fails a second after it starts (Kafka's test connectors). */
const FAILING_CONFIG = {
  "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",
  topics: "bench-failing",
  "tasks.max": "1",
  mock_mode: "task-failure",
  delay_ms: "1000",
};

// ---- Entry point ----

function removeDatabase(url: string): void {
  const path = url.replace(/^file:/, "");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Runs the web benchmarks and records their figures: board cold loads and the board query against a
 * seeded database (worker off, so the seeded health stays), then failure-to-board against the bench
 * stack in `opts.endpoints` (worker on). Needs that stack running.
 */
export async function benchWeb(opts: WebBenchOptions): Promise<void> {
  // The bench seeds the demo users and signs in as them: demo mode, for the seed and the servers.
  process.env.SWITCHBOARD_DEMO = "1";
  ensureWebBuild(opts.log);
  const databaseUrl = `file:${join(opts.dataDir, "web.db")}`;
  removeDatabase(databaseUrl);
  const { searchTerm, clusterId } = await seedBoardDatabase(databaseUrl, opts.endpoints, opts.log);
  const server = await startServer(opts, opts.boardPort ?? BOARD_PORT, databaseUrl, { SWITCHBOARD_WORKER: "off" });
  try {
    const browser = await launchBrowser();
    try {
      const storageState = await signIn(browser, server.url);
      const cookie = storageState.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      // The first board request of the process builds the snapshot from the database.
      const t0 = performance.now();
      const first = await fetch(boardUrl(server.url, { page: 1, pageSize: 50 }), { headers: { cookie } });
      await first.arrayBuffer();
      const firstMs = performance.now() - t0;
      opts.record("webBoardSnapshotBuild", { connectors: BOARD_CONNECTORS, firstRequestMs: firstMs }, `board snapshot of ${BOARD_CONNECTORS} connectors built by the first board request: ${ms(firstMs)} (status ${first.status})`);
      await benchColdLoads(opts, browser, server.url, storageState, searchTerm);
      await benchBoardQuery(opts, server.url, cookie);
      await benchOpenBoards(opts, server, cookie, databaseUrl, clusterId);
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
  if (!opts.boardOnly) {
    await benchFailureToBoard(opts);
  }
}
