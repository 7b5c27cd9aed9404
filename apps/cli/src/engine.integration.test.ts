/**
 * The engine and the Connect client against the real local stack (one KRaft broker, two
 * distributed Connect workers). Each scenario starts from a clean cluster.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConnectClient, type ConnectClient } from "@switchboard/connect-client/client";
import { createTopicAdmin } from "@switchboard/connect-client/topics";
import { applyPlan, type ApplyOptions } from "@switchboard/engine/apply";
import type { ConnectorSpec, DesiredSet, Plan } from "@switchboard/engine/model";
import { DEFAULT_MANAGER, plan, type PlanOptions } from "@switchboard/engine/plan";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker, stopWorker } from "@switchboard/stack/stack";
import { runCaptured } from "./run-captured";

const { connectUrls, bootstrap } = testEndpoints();
const FAST_VERIFY: ApplyOptions = { settleMs: 2_000, pollIntervalMs: 500, verifyTimeoutMs: 90_000 };

function mockSink(name: string, extra: Partial<ConnectorSpec> = {}, config: Record<string, string> = {}): ConnectorSpec {
  return {
    id: `it.${name}`,
    name,
    version: 1,
    state: "RUNNING",
    config: { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "sb-it", "tasks.max": "1", ...config },
    ...extra,
  };
}

/** A client that records every request that changes something on the cluster. */
function recordingClient(opts: { timeoutMs?: number; urls?: string[] } = {}) {
  const writes: string[] = [];
  const client = createConnectClient({
    urls: opts.urls ?? connectUrls,
    timeoutMs: opts.timeoutMs ?? 30_000,
    onRequest: ({ method, path }) => {
      if (method !== "GET") writes.push(`${method} ${path}`);
    },
  });
  return { client, writes };
}

async function deploy(client: ConnectClient, desired: DesiredSet, opts: PlanOptions & ApplyOptions = {}) {
  const observed = { connectors: await client.listConnectors() };
  const p: Plan = plan(desired, observed, opts);
  const report = await applyPlan(p, client, { ...FAST_VERIFY, ...opts });
  return { plan: p, report };
}

/**
 * Waits until every worker's expanded listing (what a plan reads) shows these connectors. Right after a
 * write a worker can list a connector by name and still leave it out of `?expand=status`, until its
 * status has reached that worker.
 */
async function listedByEveryWorker(...names: string[]): Promise<void> {
  for (const url of connectUrls) {
    const worker = createConnectClient({ urls: [url], timeoutMs: 30_000 });
    try {
      await expect
        .poll(async () => {
          const listed = new Set((await worker.listConnectors()).map((c) => c.name));
          return names.filter((n) => !listed.has(n));
        }, { timeout: 30_000, interval: 200 })
        .toEqual([]);
    } finally {
      await worker.close();
    }
  }
}

/** The connector names the cluster lists, once every worker agrees. */
async function namesOnEveryWorker(): Promise<string[][]> {
  const out: string[][] = [];
  for (const url of connectUrls) {
    const worker = createConnectClient({ urls: [url], timeoutMs: 30_000 });
    out.push((await worker.listConnectors()).map((c) => c.name).sort());
    await worker.close();
  }
  return out;
}

function changing(p: Plan) {
  return p.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip").map((a) => `${a.kind} ${a.name}`);
}

beforeEach(async () => {
  await resetCluster(connectUrls);
});

describe("sync lifecycle on the real cluster", () => {
  it("pauses, resumes, removes, adds back and updates one connector with exactly one action each", async () => {
    const { client, writes } = recordingClient();
    const base = [mockSink("orders"), mockSink("payments"), mockSink("users")];
    const first = await deploy(client, { connectors: base });
    expect(first.report.ok, JSON.stringify(first.report.failures)).toBe(true);
    expect(first.report.added.sort()).toEqual(["orders", "payments", "users"]);

    const steps: Array<{ desired: ConnectorSpec[]; action: string; list: keyof typeof first.report }> = [
      { desired: [mockSink("orders", { state: "PAUSED" }), base[1]!, base[2]!], action: "pause orders", list: "paused" },
      { desired: base, action: "resume orders", list: "resumed" },
      { desired: [base[1]!, base[2]!], action: "delete orders", list: "removed" },
      { desired: base, action: "create orders", list: "added" },
      { desired: [mockSink("orders", { version: 2 }, { delay_ms: "20000" }), base[1]!, base[2]!], action: "update orders", list: "updated" },
    ];
    for (const step of steps) {
      writes.length = 0;
      const { plan: p, report } = await deploy(client, { connectors: step.desired });
      expect(changing(p)).toEqual([step.action]);
      expect(report.ok, JSON.stringify(report.failures)).toBe(true);
      expect(report[step.list]).toEqual(["orders"]);
      // Others untouched: no request that changes anything names another connector (a create POSTs
      // its name in the body, so its POST belongs to the one create step).
      expect(writes.filter((w) => !w.includes("orders") && !(step.action === "create orders" && w === "POST /connectors"))).toEqual([]);
    }
    const after = await client.listConnectors();
    const orders = after.find((c) => c.name === "orders");
    expect(orders?.config?.delay_ms).toBe("20000");
    expect(orders?.config?.["switchboard.version"]).toBe("2");
    await client.close();
  });

  it("skips a connector whose desired version is older than the deployed one", async () => {
    const { client, writes } = recordingClient();
    await deploy(client, { connectors: [mockSink("inventory", { version: 5 })] });
    writes.length = 0;
    const { plan: p, report } = await deploy(client, { connectors: [mockSink("inventory", { version: 4 }, { "tasks.max": "2" })] });
    expect(p.actions.map((a) => a.kind)).toEqual(["skip"]);
    expect(p.warnings.map((w) => w.code)).toContain("SKIPPED_OLDER_VERSION");
    expect(report.skipped).toEqual(["inventory"]);
    expect(writes).toEqual([]);
    const live = await client.getConnector("inventory");
    expect(live?.config?.["tasks.max"]).toBe("1");
    await client.close();
  });

  it("leaves unmanaged connectors alone, and deletes them only when pruning", async () => {
    const { client } = recordingClient();
    await putConnector("hand-made", { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "sb-it" }, connectUrls);
    await listedByEveryWorker("hand-made");
    const kept = await deploy(client, { connectors: [mockSink("managed-one")] });
    expect(kept.report.ok).toBe(true);
    expect(kept.plan.unmanaged).toEqual(["hand-made"]);
    expect(kept.report.unmanaged).toEqual(["hand-made"]);
    await listedByEveryWorker("hand-made", "managed-one");
    expect(await namesOnEveryWorker()).toEqual(connectUrls.map(() => ["hand-made", "managed-one"]));

    const pruned = await deploy(client, { connectors: [mockSink("managed-one")] }, { prune: true });
    expect(changing(pruned.plan)).toEqual(["delete hand-made"]);
    expect(pruned.report.removed).toEqual(["hand-made"]);
    // A deletion reaches each worker's copy of the config in its own time.
    await expect.poll(namesOnEveryWorker, { timeout: 30_000, interval: 200 }).toEqual(connectUrls.map(() => ["managed-one"]));
    await client.close();
  });

  it("fails the apply, naming the connector and its task trace, when a task fails", async () => {
    const { client } = recordingClient();
    const { report } = await deploy(client, {
      // A FileStream sink whose directory does not exist fails its task as it starts. (A Mock task-failure
      // only fires once its consumer has joined the group, which can outlast verification's settle window.)
      connectors: [
        mockSink("healthy"),
        { ...mockSink("doomed"), config: { "connector.class": "FileStreamSink", topics: "sb-it", file: "/nonexistent-switchboard-dir/doomed.txt" } },
      ],
    });
    expect(report.ok).toBe(false);
    const doomed = report.verification.connectors.find((c) => c.name === "doomed");
    expect(doomed?.ok).toBe(false);
    expect(doomed?.reason).toMatch(/task 0 FAILED: .*Couldn't find or create file/);
    expect(report.verification.connectors.find((c) => c.name === "healthy")?.ok).toBe(true);
    expect(report.added).not.toContain("doomed");
    await client.close();
  });

  it("restarts a connector whose task failed when it should run, and counts it as restarted", async () => {
    const { client } = recordingClient();
    await putConnector(
      "flaky",
      {
        "connector.class": "FileStreamSink",
        topics: "sb-it",
        file: "/nonexistent-switchboard-dir/out.txt",
        "switchboard.id": "it.flaky",
        "switchboard.version": "1",
        "switchboard.managed-by": DEFAULT_MANAGER,
      },
      connectUrls,
    );
    await expect.poll(async () => (await client.getConnector("flaky"))?.tasks[0]?.state, { timeout: 30_000 }).toBe("FAILED");
    await listedByEveryWorker("flaky");
    const desired = { id: "it.flaky", name: "flaky", version: 1, state: "RUNNING" as const, config: { "connector.class": "FileStreamSink", topics: "sb-it", file: "/nonexistent-switchboard-dir/out.txt" } };
    const { plan: p, report } = await deploy(client, { connectors: [desired] });
    expect(changing(p)).toEqual(["restart flaky"]);
    // The task fails again at start (its directory still does not exist), so verification fails.
    expect(report.ok).toBe(false);
    expect(report.verification.connectors[0]?.reason).toMatch(/Couldn't find or create file/);
    await client.close();
  });
});

const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

/** Runs the CLI in-process against the real stack, from a directory holding the given files. */
async function cli(args: string[], files: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-cli-it-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), JSON.stringify(content));
  }
  return runCaptured([...args, "--connect", connectUrls.join(",")], { cwd: dir });
}

async function liveConfig(name: string): Promise<Record<string, string> | null | undefined> {
  const { client } = recordingClient();
  const live = await client.getConnector(name);
  await client.close();
  return live?.config;
}

describe("ownership through the CLI on the real cluster", () => {
  it("leaves a connector managed by the web app alone when the state file lacks it, and takes it over only with --take-over", async () => {
    const webConfig = {
      "connector.class": MOCK_SINK,
      topics: "sb-it",
      "tasks.max": "1",
      "switchboard.id": "cr-web-1",
      "switchboard.version": "3",
      "switchboard.managed-by": "web/some-cluster",
    };
    await putConnector("web-owned", webConfig, connectUrls);
    await listedByEveryWorker("web-owned");
    const before = await liveConfig("web-owned");

    const mine = { id: "it.cli-one", name: "cli-one", version: 1, config: { "connector.class": MOCK_SINK, topics: "sb-it", "tasks.max": "1" } };
    // A connector of the web app makes the cluster governed: a direct apply needs --force.
    const governed = await cli(["apply", "state.json", "--yes"], { "state.json": { connectors: [mine] } });
    expect(governed.code).toBe(1);
    expect(governed.stderr).toContain("refusing to apply directly: 1 connector on this cluster is governed by a Switchboard server");
    expect(await namesOnEveryWorker()).toEqual(connectUrls.map(() => ["web-owned"]));

    const applied = await cli(["apply", "state.json", "--yes", "--force"], { "state.json": { connectors: [mine] } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("Managed elsewhere, left alone:\n  = web-owned (managed by web/some-cluster)");
    expect(applied.stdout).toMatch(/added\s+cli-one/);
    expect(await liveConfig("web-owned")).toEqual(before);

    const takeOver = { id: "cr-web-1", name: "web-owned", version: 4, config: { "connector.class": MOCK_SINK, topics: "sb-it", "tasks.max": "1", delay_ms: "20000" } };
    const files = { "state.json": { connectors: [mine, takeOver] } };
    const refused = await cli(["apply", "state.json", "--yes", "--force"], files);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^conflict: MANAGED_ELSEWHERE web-owned: .*web\/some-cluster/m);
    expect(await liveConfig("web-owned")).toEqual(before);

    const taken = await cli(["apply", "state.json", "--yes", "--take-over", "--force"], files);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/TAKE_OVER web-owned/);
    expect(taken.stdout).toMatch(/updated\s+web-owned/);
    expect(await liveConfig("web-owned")).toMatchObject({ delay_ms: "20000", "switchboard.id": "cr-web-1", "switchboard.version": "4", "switchboard.managed-by": "cli/default" });
  });

  it("refuses a create whose name is held by a connector stamped with another id, leaving it untouched", async () => {
    const theirs = { "connector.class": MOCK_SINK, topics: "sb-it", "switchboard.id": "someone-else", "switchboard.version": "1", "switchboard.managed-by": "web/some-cluster" };
    await putConnector("taken-name", theirs, connectUrls);
    await listedByEveryWorker("taken-name");
    const before = await liveConfig("taken-name");

    const r = await cli(["apply", "state.json", "--yes", "--take-over", "--force"], {
      "state.json": { connectors: [{ id: "mine", name: "taken-name", version: 1, config: { "connector.class": MOCK_SINK, topics: "sb-it", delay_ms: "1" } }] },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^conflict: NAME_TAKEN taken-name: the name "taken-name" is held by a connector with id someone-else/m);
    expect(r.stderr).toContain("nothing was changed");
    expect(await liveConfig("taken-name")).toEqual(before);
    expect(await namesOnEveryWorker()).toEqual(connectUrls.map(() => ["taken-name"]));
  });

  it("skips an old-toolchain connector (id and version 5 in its config) when the definition is version 4, and updates it from version 6", async () => {
    const oldConfig = { "connector.class": MOCK_SINK, topics: "sb-it", "tasks.max": "1", id: "orders-legacy", version: "5" };
    await putConnector("old-toolchain", oldConfig, connectUrls);
    await listedByEveryWorker("old-toolchain");
    const before = await liveConfig("old-toolchain");
    const body = (version: string) => ({ name: "old-toolchain", config: { "connector.class": MOCK_SINK, topics: "sb-it", "tasks.max": "1", delay_ms: "20000", id: "orders-legacy", version } });

    const older = await cli(["apply", "connectors", "--yes"], { "connectors/old-toolchain.json": body("4") });
    expect(older.code, older.stderr).toBe(0);
    expect(older.stdout).toMatch(/! SKIPPED_OLDER_VERSION old-toolchain: desired version 4 is older than deployed version 5/);
    expect(older.stdout).toContain("No changes.");
    expect(await liveConfig("old-toolchain")).toEqual(before);

    const newer = await cli(["apply", "connectors", "--yes"], { "connectors/old-toolchain.json": body("6") });
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stdout).toMatch(/updated\s+old-toolchain/);
    const after = await liveConfig("old-toolchain");
    expect(after).toMatchObject({ delay_ms: "20000", "switchboard.id": "orders-legacy", "switchboard.version": "6", "switchboard.managed-by": "cli/default" });
    expect(after).not.toHaveProperty("id");
    expect(after).not.toHaveProperty("version");
  });
});

describe("resilience", () => {
  afterAll(async () => {
    await startWorker(2);
  });

  it("completes an apply of 30 connectors through the other worker when one worker stops", async () => {
    const { client } = recordingClient();
    const desired = { connectors: Array.from({ length: 30 }, (_, i) => mockSink(`fleet-${String(i).padStart(2, "0")}`)) };
    const observed = { connectors: await client.listConnectors() };
    const p = plan(desired, observed);
    let stopped = false;
    const report = await applyPlan(p, client, {
      ...FAST_VERIFY,
      verifyTimeoutMs: 150_000,
      concurrency: 4,
      onEvent: (e) => {
        if (e.type === "step-done" && !stopped) {
          stopped = true;
          void stopWorker(2, undefined, { kill: true });
        }
      },
    });
    expect(stopped).toBe(true);
    expect(report.ok, JSON.stringify({ failures: report.failures, v: report.verification.connectors.filter((c) => !c.ok) })).toBe(true);
    expect(report.added).toHaveLength(30);
    const live = await client.listConnectors();
    expect(live.map((c) => c.name).sort()).toEqual(desired.connectors.map((c) => c.name));
    // No duplicates: one task each, every one running on the surviving worker.
    for (const c of live) {
      expect(c.tasks).toHaveLength(1);
      expect(c.tasks[0]?.workerId).toBe(`127.0.0.1:${new URL(connectUrls[0]!).port}`);
    }
    await client.close();
  });
});

describe("a create whose request times out on the client but completes on Connect", () => {
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    // Forwards to worker 1 and holds every answer to a write for 5 s: the client gives up after 1 s.
    const target = new URL(connectUrls[0]!);
    proxy = createServer((req, res) => {
      const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on("data", (c: Buffer) => chunks.push(c));
        upRes.on("end", () => {
          const delay = req.method === "GET" ? 0 : 5_000;
          setTimeout(() => {
            if (res.destroyed) return;
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.end(Buffer.concat(chunks));
          }, delay);
        });
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

  it("reports success after verification", async () => {
    const events: string[] = [];
    const slow = createConnectClient({ urls: [proxyUrl], timeoutMs: 1_000 });
    const observed = { connectors: await slow.listConnectors() };
    const p = plan({ connectors: [mockSink("late-answer")] }, observed);
    const report = await applyPlan(p, slow, {
      ...FAST_VERIFY,
      onEvent: (e) => {
        if (e.type === "step-done") events.push(`${e.name} uncertain=${String(e.uncertain ?? false)}`);
      },
    });
    expect(events).toEqual(["late-answer uncertain=true"]);
    expect(report.ok, JSON.stringify(report.failures)).toBe(true);
    expect(report.added).toEqual(["late-answer"]);
    await slow.close();
  });
});

describe("topics through kafkajs on the real broker", () => {
  it("creates the topics a connector declares before creating it", async () => {
    const admin = createTopicAdmin({ brokers: [bootstrap] });
    const topic = `sb-it-topic-${Date.now()}`;
    const { client } = recordingClient();
    const desired = { connectors: [mockSink("with-topic", { topics: [{ name: topic, partitions: 3, replicationFactor: 1 }] }, { topics: topic })] };
    const observed = { connectors: await client.listConnectors(), topics: await admin.listTopics() };
    const p = plan(desired, observed);
    expect(p.topicsToCreate.map((t) => t.name)).toEqual([topic]);
    const report = await applyPlan(p, client, { ...FAST_VERIFY, topics: admin });
    expect(report.ok, JSON.stringify(report.failures)).toBe(true);
    expect(report.topicsCreated).toEqual([topic]);
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics([topic]);
    await admin.close();
    await client.close();
  });
});
