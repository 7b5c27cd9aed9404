import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFakeConnect } from "@switchboard/engine/fake-connect";
import { runCaptured } from "./run-captured";

const sink = { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "orders" };
const committed = [{ partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 42 } }];

function world(state: "RUNNING" | "PAUSED" = "RUNNING") {
  const fake = createFakeConnect({ connectors: [{ name: "orders-sink", config: sink, state }] });
  fake.connectors.get("orders-sink")!.offsets = structuredClone(committed);
  const run = (args: string[], cwd?: string) =>
    runCaptured(["offsets", "orders-sink", "--connect", "http://127.0.0.1:1", ...args], { ...(cwd ? { cwd } : {}), services: { createConnect: () => ({ ...fake, close: async () => undefined }) } });
  return { fake, run };
}

describe("switchboard offsets", () => {
  it("shows the committed offsets, as text or one JSON document", async () => {
    const { run } = world();
    const text = await run([]);
    expect(text).toMatchObject({ code: 0, stderr: "" });
    expect(text.stdout).toContain("kafka_topic=orders kafka_partition=0  →  kafka_offset=42");
    expect(JSON.parse((await run(["--json"])).stdout)).toEqual({ connector: "orders-sink", type: "sink", offsets: committed });
  });

  it("refuses to change them without --yes, changing nothing", async () => {
    const { fake, run } = world();
    const r = await run(["--reset"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to change offsets without --yes");
    expect(fake.calls.map((c) => c.method)).toEqual([]);
  });

  it("resets them: snapshot printed, connector back to the state it had", async () => {
    const { fake, run } = world("PAUSED");
    const r = await run(["--reset", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("snapshot of orders-sink before the change:\n  kafka_topic=orders kafka_partition=0  →  kafka_offset=42");
    expect(r.stdout).toContain("back to PAUSED");
    expect(fake.connectors.get("orders-sink")).toMatchObject({ state: "PAUSED", offsets: [] });
  });

  it("sets the partitions of a file, and names the problem of a bad one with no stack trace", async () => {
    const { fake, run } = world();
    const dir = await mkdtemp(join(tmpdir(), "switchboard-offsets-"));
    const wanted = [{ partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 7 } }];
    await writeFile(join(dir, "offsets.json"), JSON.stringify(wanted));
    const r = await run(["--set", "offsets.json", "--yes", "--json"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, snapshot: committed, after: wanted, restored: "RUNNING" });

    await writeFile(join(dir, "bad.json"), '[{"partition": {"__proto__": {"x": 1}}, "offset": null}]');
    const bad = await run(["--set", "bad.json", "--yes"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.json: \[0\]\[partition\] partition: the key "__proto__" is not allowed/);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    expect(fake.connectors.get("orders-sink")?.offsets).toEqual(wanted);
  });
});
