import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFakeConnect, type FakeConnect } from "@switchboard/engine/fake-connect";
import type { WorkerReport } from "@switchboard/engine/plugins";
import type { CliIo } from "./context";
import { runCaptured } from "./run-captured";

const SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const CONNECT = ["--connect", "http://w1:8083,http://w2:8083"];
const READS = new Set(["listConnectors", "getConnector", "listPlugins", "validateConfig", "inspectWorkers"]);

const worker = (url: string, version: string, plugins = [{ class: SINK, type: "sink", version }]): WorkerReport => ({ url, reachable: true, version, plugins });

async function cluster(workers: WorkerReport[], config: Record<string, string>): Promise<{ fake: FakeConnect; io: Partial<CliIo> }> {
  const dir = await mkdtemp(join(tmpdir(), "sb-cli-plugins-"));
  const state = { connectors: [{ nameSpace: "billing", connectorName: "invoices-sink", connectorConfig: { "connector.class": SINK, topics: "invoices", ...config }, ownerName: "Ivy", ownerEmail: "ivy@example.com" }] };
  await writeFile(join(dir, "state.json"), JSON.stringify(state, null, 2));
  const fake = createFakeConnect({ workers });
  return { fake, io: { cwd: dir, services: { createConnect: () => Object.assign(fake, { close: async () => {} }), applyTiming: { settleMs: 0, pollIntervalMs: 1 } } } };
}

const writes = (fake: FakeConnect) => fake.calls.filter((c) => !READS.has(c.method));

describe("plugin versions in the CLI", () => {
  it("plan and apply refuse connector.plugin.version while a worker is older than 4.1, and change nothing", async () => {
    const { fake, io } = await cluster([worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "3.9.1")], { "connector.plugin.version": "4.3.1" });
    const plan = await runCaptured(["plan", "state.json", ...CONNECT], io);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("connector.plugin.version: pinning a plugin version (connector.plugin.version) needs Kafka Connect 4.1 or newer on every worker (KIP-891)");
    expect(plan.stderr).toContain("http://w2:8083 runs 3.9.1");
    expect(plan.stderr).toContain("state.json:9:9: connector \"invoices-sink\": connector.plugin.version:");
    const apply = await runCaptured(["apply", "state.json", "--yes", ...CONNECT], io);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("needs Kafka Connect 4.1 or newer");
    expect(writes(fake)).toEqual([]);
  });

  it("applies a pinned version when every worker is 4.1 or newer", async () => {
    const { fake, io } = await cluster([worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "4.1.0")], { "connector.plugin.version": "4.3.1" });
    const apply = await runCaptured(["apply", "state.json", "--yes", ...CONNECT], io);
    expect(apply.code).toBe(0);
    expect(fake.connectors.get("invoices-sink")?.config["connector.plugin.version"]).toBe("4.3.1");
  });

  it("warns in the plan when the class is missing on a worker or its versions differ", async () => {
    const { io } = await cluster([worker("http://w1:8083", "4.3.1"), worker("http://w2:8083", "4.3.1", [{ class: SINK, type: "sink", version: "4.2.0" }]), worker("http://w3:8083", "4.3.1", [])], {});
    const plan = await runCaptured(["plan", "state.json", ...CONNECT], io);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`PLUGIN_MISSING invoices-sink: ${SINK} is not installed on worker http://w3:8083`);
    expect(plan.stdout).toContain("PLUGIN_VERSION_SKEW invoices-sink:");
  });
});
