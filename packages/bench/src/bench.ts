/**
 * `pnpm bench`: the engine's speed on the real local stack. Runs its own stack on separate ports and
 * a separate data directory (so a running dev stack is not disturbed), prints every figure, and writes
 * them to .stack/bench/results.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { createConnectClient } from "@switchboard/connect-client/client";
import { applyPlan } from "@switchboard/engine/apply";
import type { ConnectorSpec, DesiredSet } from "@switchboard/engine/model";
import { plan } from "@switchboard/engine/plan";
import { resetCluster } from "@switchboard/stack/cluster-fixture";
import { REPO_ROOT } from "@switchboard/stack/paths";
import { endpoints, stackConfig, stackDown, stackUp } from "@switchboard/stack/stack";
import { benchWeb } from "./web-bench";
import { benchFailureToWebhook } from "./failure-bench";
import { benchOffsetReset } from "./offsets-bench";
import { benchDriftDetection } from "./drift-bench";
import { benchBulkRestart } from "./bulk-bench";
import { benchGitOps } from "./gitops-bench";
import { benchReplicas } from "./replica-bench";
import { postgresAdminUrl, postgresConfig, postgresDown, postgresUp } from "@switchboard/stack/postgres";

const CONCURRENCY = 8;
const ROUNDS = 6;
const cfg = stackConfig({
  ...process.env,
  SWITCHBOARD_STACK_DIR: join(REPO_ROOT, ".stack", "bench"),
  SWITCHBOARD_BROKER_PORT: "29092",
  SWITCHBOARD_CONTROLLER_PORT: "29093",
  SWITCHBOARD_CONNECT_PORT_1: "28083",
  SWITCHBOARD_CONNECT_PORT_2: "28084",
  SWITCHBOARD_CONNECT_PORT_3: "28085",
});
const pgCfg = postgresConfig({ ...process.env, SWITCHBOARD_STACK_DIR: cfg.dataDir, SWITCHBOARD_PG_PORT: "25432" });
const stackEndpoints = endpoints(cfg);
const { connectUrls } = stackEndpoints;
const results: Record<string, unknown> = {};
const log = (m: string) => console.error(`bench: ${m}`);

function record(key: string, value: unknown, line: string) {
  results[key] = value;
  console.log(line);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sink(name: string, state: ConnectorSpec["state"] = "RUNNING"): ConnectorSpec {
  return {
    id: `bench.${name}`,
    name,
    version: 1,
    state,
    config: { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "bench", "tasks.max": "1" },
  };
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);

function countingClient() {
  const counter = { requests: 0, writes: new Set<string>() };
  const client = createConnectClient({
    urls: connectUrls,
    onRequest: ({ method, path }) => {
      counter.requests++;
      const m = /^\/connectors\/([^/?]+)/.exec(path);
      if (method !== "GET" && m) counter.writes.add(decodeURIComponent(m[1]!));
    },
  });
  return { client, counter };
}

/** The floor: a plain parallel loop of `PUT /connectors/{name}/config`, nothing else. */
async function plainPutLoop(specs: ConnectorSpec[]): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const t0 = performance.now();
  await Promise.all(
    specs.map((s, i) =>
      limit(async () => {
        const res = await fetch(`${connectUrls[i % connectUrls.length]}/connectors/${s.name}/config`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(s.config),
        });
        if (!res.ok) throw new Error(`PUT ${s.name}: ${res.status} ${await res.text()}`);
      }),
    ),
  );
  return performance.now() - t0;
}

/** Polls until every named connector and its tasks are RUNNING (for the old toolchain's way). */
async function waitAllRunning(names: string[]): Promise<void> {
  const client = createConnectClient({ urls: connectUrls });
  const deadline = Date.now() + 300_000;
  for (;;) {
    const live = new Map((await client.listConnectors()).map((c) => [c.name, c]));
    const ok = names.every((n) => {
      const c = live.get(n);
      return c?.state === "RUNNING" && c.tasks.length > 0 && c.tasks.every((t) => t.state === "RUNNING");
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error("connectors did not all reach RUNNING");
    await new Promise((r) => setTimeout(r, 250));
  }
  await client.close();
}

async function deploy(desired: DesiredSet) {
  const { client, counter } = countingClient();
  const observed = { connectors: await client.listConnectors() };
  const p = plan(desired, observed);
  const report = await applyPlan(p, client, { concurrency: CONCURRENCY, settleMs: 1_000, pollIntervalMs: 250 });
  await client.close();
  if (!report.ok) throw new Error(`apply failed: ${JSON.stringify(report.failures)}`);
  return { report, counter };
}

async function benchStartTimes() {
  log("cold start: fresh data directory (jars already cached)…");
  await stackDown({ wipe: true }, log, cfg);
  let t0 = performance.now();
  await stackUp(log, cfg);
  const cold = performance.now() - t0;
  log("warm start: same data directory…");
  await stackDown({}, log, cfg);
  t0 = performance.now();
  await stackUp(log, cfg);
  const warm = performance.now() - t0;
  record("stackStartMs", { cold, warm }, `stack start: cold ${seconds(cold)}, warm ${seconds(warm)} (goal warm < 30 s)`);
}

async function benchPlan200() {
  await resetCluster(connectUrls);
  log("creating 200 connectors (STOPPED, so 200 idle tasks do not load the 2 cores)…");
  const specs = names("plan", 200).map((n) => sink(n, "STOPPED"));
  await deploy({ connectors: specs });
  const desired = { connectors: specs.map((s, i) => (i === 7 ? { ...s, config: { ...s.config, "tasks.max": "2" } } : s)) };
  const runs: Array<{ ms: number; requests: number }> = [];
  for (let i = 0; i < 5; i++) {
    const { client, counter } = countingClient();
    const t0 = performance.now();
    const observed = { connectors: await client.listConnectors() };
    const p = plan(desired, observed);
    const ms = performance.now() - t0;
    if (p.actions.filter((a) => a.kind === "update").length !== 1) throw new Error("expected exactly one update in the plan");
    runs.push({ ms, requests: counter.requests });
    await client.close();
  }
  record(
    "plan200",
    { medianMs: median(runs.map((r) => r.ms)), requests: runs[0]!.requests, runs },
    `plan of 200 connectors: ${runs[0]!.requests} REST request(s), median ${median(runs.map((r) => r.ms)).toFixed(0)} ms over 5 runs`,
  );
}

/** Clean cluster, then a pause so the rebalances caused by the deletions are over. */
async function settledReset() {
  await resetCluster(connectUrls);
  await new Promise((r) => setTimeout(r, 3_000));
}

async function benchApply50() {
  const rounds: Array<{ engineWriteMs: number; engineTotalMs: number; floorMs: number; floorUntilRunningMs: number }> = [];
  // Connect's write latency swings with its rebalances: several rounds, alternating which goes first.
  for (let round = 0; round < ROUNDS; round++) {
    const runEngine = async () => {
      await settledReset();
      const specs = names(`apply${round}`, 50).map((n) => sink(n));
      const t0 = performance.now();
      const { report } = await deploy({ connectors: specs });
      return { engineTotalMs: performance.now() - t0, engineWriteMs: report.durationMs - report.verification.durationMs };
    };
    const runFloor = async () => {
      await settledReset();
      const specs = names(`floor${round}`, 50).map((n) => sink(n));
      const t1 = performance.now();
      const floorMs = await plainPutLoop(specs);
      await waitAllRunning(specs.map((s) => s.name));
      return { floorMs, floorUntilRunningMs: performance.now() - t1 };
    };
    let engine: Awaited<ReturnType<typeof runEngine>>;
    let floor: Awaited<ReturnType<typeof runFloor>>;
    if (round % 2 === 0) {
      engine = await runEngine();
      floor = await runFloor();
    } else {
      floor = await runFloor();
      engine = await runEngine();
    }
    rounds.push({ ...engine, ...floor });
    log(`round ${round + 1}: engine writes ${seconds(rounds.at(-1)!.engineWriteMs)}, floor ${seconds(rounds.at(-1)!.floorMs)}`);
  }
  const m = {
    engineWriteMs: median(rounds.map((r) => r.engineWriteMs)),
    engineTotalMs: median(rounds.map((r) => r.engineTotalMs)),
    floorMs: median(rounds.map((r) => r.floorMs)),
    floorUntilRunningMs: median(rounds.map((r) => r.floorUntilRunningMs)),
  };
  record(
    "apply50",
    { ...m, ratio: m.engineWriteMs / m.floorMs, rounds },
    [
      `apply of 50 new connectors (concurrency ${CONCURRENCY}, median of ${ROUNDS} alternating rounds):`,
      `  engine writes ${seconds(m.engineWriteMs)} vs plain PUT loop ${seconds(m.floorMs)} → ratio ${(m.engineWriteMs / m.floorMs).toFixed(2)} (goal ≤ 1.2)`,
      `  engine incl. plan + verification ${seconds(m.engineTotalMs)} vs plain loop + wait until RUNNING ${seconds(m.floorUntilRunningMs)}`,
    ].join("\n"),
  );
}

async function benchOneChange() {
  await resetCluster(connectUrls);
  log("creating 100 running connectors…");
  const specs = names("fleet", 100).map((n) => sink(n));
  await deploy({ connectors: specs });
  const changed = specs.map((s, i) => (i === 42 ? { ...s, version: 2, config: { ...s.config, "tasks.max": "2" } } : s));

  const t0 = performance.now();
  const { counter } = await deploy({ connectors: changed });
  const engineMs = performance.now() - t0;

  // The old toolchain: delete every connector, then create every connector again.
  const t1 = performance.now();
  const limit = pLimit(CONCURRENCY);
  await Promise.all(specs.map((s) => limit(() => fetch(`${connectUrls[0]}/connectors/${s.name}`, { method: "DELETE" }))));
  await plainPutLoop(changed);
  await waitAllRunning(changed.map((s) => s.name));
  const oldMs = performance.now() - t1;
  record(
    "oneChangeOn100",
    { engine: { restarted: counter.writes.size, ms: engineMs }, deleteAllRecreateAll: { restarted: specs.length, ms: oldMs } },
    [
      "one-connector change on a 100-connector cluster:",
      `  engine: ${counter.writes.size} connector(s) written/restarted, ${seconds(engineMs)} incl. verification`,
      `  delete-all-then-recreate-all: ${specs.length} connectors restarted, ${seconds(oldMs)} until all RUNNING again`,
    ].join("\n"),
  );
}

try {
  await benchStartTimes();
  await benchPlan200();
  await benchApply50();
  await benchOneChange();
  await benchWeb({ endpoints: stackEndpoints, dataDir: cfg.dataDir, record, log });
  await benchFailureToWebhook({ endpoints: stackEndpoints, record, log });
  await benchOffsetReset({ endpoints: stackEndpoints, record, log });
  await benchDriftDetection({ endpoints: stackEndpoints, record, log });
  await benchBulkRestart({ endpoints: stackEndpoints, record, log });
  await benchGitOps({ endpoints: stackEndpoints, record, log });
  await postgresUp(log, pgCfg);
  await benchReplicas({ endpoints: stackEndpoints, postgresAdminUrl: postgresAdminUrl(pgCfg), record, log });
  mkdirSync(cfg.dataDir, { recursive: true });
  writeFileSync(join(cfg.dataDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  log(`figures written to ${join(cfg.dataDir, "results.json")}`);
} catch (err) {
  console.error(`bench: error: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await resetCluster(connectUrls).catch(() => {});
  await stackDown({}, log, cfg);
  await postgresDown(log, pgCfg);
}
