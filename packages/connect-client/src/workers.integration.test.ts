/**
 * Per-worker reads and plugin version pinning (KIP-891) on the real stack: cluster A's two workers,
 * cluster B's one, and a worker URL nobody listens on. The stack is shared: this file creates only
 * connectors named `plugins-it-*` and deletes only those.
 */
import { afterAll, describe, expect, it } from "vitest";
import { applyPlan } from "@switchboard/engine/apply";
import { planAgainst } from "@switchboard/engine/plan-against";
import { summarisePlugins } from "@switchboard/engine/plugins";
import { testEndpoints } from "@switchboard/stack/cluster-fixture";
import { createConnectClient, type ConnectClient } from "./client";

const { connectUrls, connectUrlsB } = testEndpoints();
// Port 9 (discard) on loopback: nothing listens there on the test machines.
const DEAD = "http://127.0.0.1:9";
const SINK = "org.apache.kafka.connect.tools.MockSinkConnector";
const clients: ConnectClient[] = [];
const created: Array<{ client: ConnectClient; name: string }> = [];

function client(urls: string[]): ConnectClient {
  const c = createConnectClient({ urls, timeoutMs: 60_000, workerTimeoutMs: 5_000 });
  clients.push(c);
  return c;
}

afterAll(async () => {
  for (const { client: c, name } of created) await c.deleteConnector(name).catch(() => undefined);
  await Promise.all(clients.map((c) => c.close()));
});

describe("inspectWorkers on the real stack", () => {
  it("reads each worker of cluster A and of cluster B: Kafka version, commit, health and every plugin", async () => {
    const a = await client(connectUrls).inspectWorkers();
    const b = await client(connectUrlsB).inspectWorkers();
    expect(a.map((w) => w.url)).toEqual(connectUrls);
    expect(b.map((w) => w.url)).toEqual(connectUrlsB);
    for (const w of [...a, ...b]) {
      expect(w).toMatchObject({ reachable: true, version: "4.3.1", health: { healthy: true, status: "healthy" } });
      expect(w.error).toBeUndefined();
      expect(w.commit).toMatch(/^[0-9a-f]{16}$/);
      const types = new Set(w.plugins?.map((p) => p.type));
      // Not only connectors: converters and transformations too.
      for (const type of ["sink", "source", "converter", "transformation"]) expect(types).toContain(type);
      expect(w.plugins).toContainEqual({ class: SINK, type: "sink", version: "4.3.1" });
    }
    const summary = summarisePlugins(a);
    expect(summary.length).toBeGreaterThan(20);
    expect(summary.every((p) => p.onAllWorkers && p.sameVersionEverywhere)).toBe(true);
  });

  it("reports a worker URL that does not answer as unreachable, and still reads the others", async () => {
    const reports = await client([...connectUrls, DEAD]).inspectWorkers();
    expect(reports.map((r) => [r.url, r.reachable])).toEqual([...connectUrls.map((u) => [u, true]), [DEAD, false]]);
    expect(reports[2]).toEqual({ url: DEAD, reachable: false, error: "connection refused", plugins: null });
  });
});

describe("connector.plugin.version on the real stack", () => {
  it("deploys a connector pinned to the version its workers have, and it runs", async () => {
    const connect = client(connectUrls);
    const [first] = await connect.inspectWorkers();
    const version = first?.plugins?.find((p) => p.class === SINK)?.version;
    expect(version).toBe("4.3.1");
    const name = `plugins-it-pinned-${Date.now()}`;
    const desired = { connectors: [{ id: name, name, state: "RUNNING" as const, config: { "connector.class": SINK, topics: "plugins-it", "tasks.max": "1", "connector.plugin.version": version ?? "" } }] };
    const planned = await planAgainst(desired, connect, undefined, { manager: "it:plugins", scope: { ids: [name], names: [name] } });
    expect(planned.problems).toEqual([]);
    expect(planned.plan.warnings).toEqual([]);
    created.push({ client: connect, name });
    const report = await applyPlan(planned.plan, connect);
    expect(report.failures).toEqual([]);
    expect(report.verification.ok).toBe(true);
    const live = await connect.getConnector(name);
    expect(live?.config?.["connector.plugin.version"]).toBe(version);
    expect(live?.state).toBe("RUNNING");
    // A range (Maven syntax) that holds the installed version is accepted too.
    const ranged = await planAgainst({ connectors: [{ ...desired.connectors[0]!, config: { ...desired.connectors[0]!.config, "connector.plugin.version": "[4.0,5.0)" } }] }, connect, undefined, { manager: "it:plugins", scope: { ids: [name], names: [name] } });
    expect(ranged.problems).toEqual([]);
  });

  it("is rejected by the cluster's validator, with its message, when no worker has that version", async () => {
    const connect = client(connectUrls);
    const name = `plugins-it-missing-${Date.now()}`;
    // A version no run asked for before: Connect 4.3.1 words its first answer for a pin, and fails with a 500 on repeats.
    const pin = `9.9.${Date.now() % 1_000_000}`;
    const desired = { connectors: [{ id: name, name, state: "RUNNING" as const, config: { "connector.class": SINK, topics: "plugins-it", "connector.plugin.version": pin } }] };
    const scope = { manager: "it:plugins", scope: { ids: [name], names: [name] } };
    const first = await planAgainst(desired, connect, undefined, scope);
    expect(first.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^connector "${name}": connector\\.plugin\\.version: Plugin ${SINK.replace(/\./g, "\\.")} (has version 4\\.3\\.1 which does not match the required version range|not found that matches the version range) \\[${pin.replace(/\./g, "\\.")},${pin.replace(/\./g, "\\.")}\\]`)),
    );
    // Asked again (each worker at least once more): still a problem on the key, never Connect's internal error.
    for (let i = 0; i < 4; i++) {
      const again = await planAgainst(desired, connect, undefined, scope);
      const messages = again.problems.map((p) => p.message);
      expect(messages.some((m) => m.startsWith(`connector "${name}": connector.plugin.version: `))).toBe(true);
      expect(messages.join("\n")).not.toContain("NullPointerException");
    }
    expect(await connect.getConnector(name)).toBeNull();
  });
});
