import { describe, expect, it } from "vitest";
import { createFakeConnect } from "./fake-connect";
import { applyOffsetChange, applyOffsetChanges, offsetsMismatch, type OffsetEvent } from "./offsets";
import { ConnectError, type ConnectorOffset } from "./port";

const sink = { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "orders" };
const committed: ConnectorOffset[] = [
  { partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 42 } },
  { partition: { kafka_topic: "orders", kafka_partition: 1 }, offset: { kafka_offset: 7 } },
];

function world(state: "RUNNING" | "PAUSED" | "STOPPED" = "RUNNING") {
  const fake = createFakeConnect({ connectors: [{ name: "s", config: sink, state }] });
  fake.connectors.get("s")!.offsets = structuredClone(committed);
  return fake;
}

describe("applyOffsetChange", () => {
  it("stops, snapshots, resets, checks while stopped, then resumes a running connector", async () => {
    const fake = world();
    const events: OffsetEvent[] = [];
    const out = await applyOffsetChange({ name: "s", kind: "reset", offsets: [], state: "RUNNING" }, fake, { onEvent: (e) => void events.push(e), pollIntervalMs: 1 });
    expect(out).toMatchObject({ ok: true, snapshot: committed, after: [], restored: "RUNNING" });
    expect(fake.calls.filter((c) => c.name === "s").map((c) => c.method)).toEqual(["stop", "getConnector", "getOffsets", "resetOffsets", "getOffsets", "resume"]);
    expect(fake.connectors.get("s")).toMatchObject({ state: "RUNNING", offsets: [] });
    expect(events.map((e) => e.type)).toEqual(["offsets-start", "offsets-snapshot", "offsets-done"]);
  });

  it("sets given partitions and brings a paused connector back paused; a stopped one stays stopped", async () => {
    const fake = world("PAUSED");
    const set = [{ partition: { kafka_partition: 0, kafka_topic: "orders" }, offset: { kafka_offset: 3 } }];
    const out = await applyOffsetChange({ name: "s", kind: "set", offsets: set, state: "PAUSED" }, fake, { pollIntervalMs: 1 });
    expect(out).toMatchObject({ ok: true, restored: "PAUSED" });
    expect(fake.connectors.get("s")?.state).toBe("PAUSED");
    expect(fake.connectors.get("s")?.offsets).toContainEqual(set[0]);

    const stopped = world("STOPPED");
    await applyOffsetChange({ name: "s", kind: "reset", offsets: [], state: "STOPPED" }, stopped, { pollIntervalMs: 1 });
    expect(stopped.connectors.get("s")?.state).toBe("STOPPED");
    expect(stopped.calls.map((c) => c.method)).not.toContain("resume");
  });

  it("with replace, resets first so exactly the given partitions keep an offset", async () => {
    const fake = world();
    const only = [{ partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 1 } }];
    const out = await applyOffsetChange({ name: "s", kind: "set", offsets: only, replace: true, state: "RUNNING" }, fake, { pollIntervalMs: 1 });
    expect(out).toMatchObject({ ok: true, after: only });
    expect(fake.connectors.get("s")?.offsets).toEqual(only);
  });

  it("keeps the snapshot an earlier attempt took instead of reading the altered offsets", async () => {
    const fake = world();
    fake.connectors.get("s")!.offsets = [];
    const out = await applyOffsetChange({ name: "s", kind: "reset", offsets: [], state: "RUNNING" }, fake, { snapshots: new Map([["s", committed]]), pollIntervalMs: 1 });
    expect(out.snapshot).toEqual(committed);
  });

  it("retries while Connect says the tasks have not stopped completely", async () => {
    const fake = world();
    fake.failNext("resetOffsets", new ConnectError("SERVER_ERROR", "Failed to reset offsets: either because its tasks haven't stopped completely yet; this operation can be safely retried", 500), { times: 2 });
    const out = await applyOffsetChange({ name: "s", kind: "reset", offsets: [], state: "RUNNING" }, fake, { pollIntervalMs: 1 });
    expect(out.ok).toBe(true);
    expect(fake.calls.filter((c) => c.method === "resetOffsets")).toHaveLength(3);
  });

  it("restores the desired state when Connect refuses the change, and reports why", async () => {
    const fake = world();
    fake.failNext("alterOffsets", new ConnectError("BAD_REQUEST", "Kafka partitions must be non-negative integers", 400));
    const out = await applyOffsetChange({ name: "s", kind: "set", offsets: [{ partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 1 } }], state: "RUNNING" }, fake, { pollIntervalMs: 1 });
    expect(out).toMatchObject({ ok: false, snapshot: committed, restored: "RUNNING", error: expect.stringContaining("non-negative") });
    expect(fake.connectors.get("s")).toMatchObject({ state: "RUNNING", offsets: committed });
  });

  it("fails clearly for a connector the cluster does not have, touching nothing", async () => {
    const fake = world();
    const [out] = await applyOffsetChanges([{ name: "missing", kind: "reset", offsets: [], state: "RUNNING" }], fake, { pollIntervalMs: 1 });
    expect(out).toMatchObject({ ok: false, snapshot: null, restored: null, error: expect.stringContaining("not on the cluster") });
    expect(fake.calls.map((c) => c.method)).toEqual(["stop"]);
  });

  it("fails when the offsets read back do not show the change", async () => {
    const fake = world();
    const original = fake.resetOffsets;
    fake.resetOffsets = async () => "The offsets for this connector have been reset successfully";
    const out = await applyOffsetChange({ name: "s", kind: "reset", offsets: [], state: "RUNNING" }, fake, { pollIntervalMs: 1 });
    fake.resetOffsets = original;
    expect(out).toMatchObject({ ok: false, restored: "RUNNING", error: expect.stringContaining("still have an offset") });
  });
});

describe("offsetsMismatch", () => {
  it("compares partitions and offsets whatever the key order, and a null offset as absent", () => {
    const after = [{ partition: { kafka_topic: "t", kafka_partition: 0 }, offset: { kafka_offset: 5 } }];
    expect(offsetsMismatch({ kind: "set", offsets: [{ partition: { kafka_partition: 0, kafka_topic: "t" }, offset: { kafka_offset: 5 } }] }, after)).toBeNull();
    expect(offsetsMismatch({ kind: "set", offsets: [{ partition: { kafka_partition: 1, kafka_topic: "t" }, offset: null }] }, after)).toBeNull();
    expect(offsetsMismatch({ kind: "set", offsets: [{ partition: { kafka_partition: 0, kafka_topic: "t" }, offset: { kafka_offset: 6 } }] }, after)).toMatch(/not \{"kafka_offset":6\}/);
  });
});
