import { describe, expect, it } from "vitest";
import { createFakeConnect, type FakeConnect } from "./fake-connect";
import { readMark, stampConfig } from "./managed";
import { moveConnector, type MoveEvent, type MoveOptions, type MoveSpec } from "./move";
import { ConnectError } from "./port";

const fast: MoveOptions = { settleMs: 10, pollIntervalMs: 2, verifyTimeoutMs: 2_000, tasklessMs: 10 };
const SINK = { "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", topics: "orders", file: "/tmp/orders.txt", "db.password": "hunter2" };
const spec: MoveSpec = { id: "c-1", name: "orders-sink", version: 4, config: SINK, state: "RUNNING", targetManager: "web/b" };
const OFFSETS = [
  { partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 42 } },
  { partition: { kafka_topic: "orders", kafka_partition: 1 }, offset: { kafka_offset: 7 } },
];

function clusters(opts: { sourceState?: "RUNNING" | "PAUSED" | "STOPPED"; target?: FakeConnect } = {}) {
  const source = createFakeConnect({ connectors: [{ name: spec.name, config: stampConfig(SINK, { id: spec.id, version: 3, manager: "web/a" }), state: opts.sourceState ?? "RUNNING", type: "sink" }] });
  source.connectors.get(spec.name)!.offsets = structuredClone(OFFSETS);
  return { source, target: opts.target ?? createFakeConnect() };
}

const writes = (fake: FakeConnect) => fake.calls.filter((c) => !["listConnectors", "getConnector", "getOffsets"].includes(c.method)).map((c) => c.method);

describe("moveConnector", () => {
  it("stops the source, creates the target STOPPED with the offsets, resumes it, then deletes the source", async () => {
    const { source, target } = clusters();
    const events: MoveEvent[] = [];
    const report = await moveConnector(spec, source, target, { ...fast, onEvent: (e) => events.push(e) });

    expect(report).toMatchObject({ ok: true, offsets: 2, source: { final: "ABSENT" }, target: { final: "RUNNING" } });
    expect(writes(source)).toEqual(["stop", "deleteConnector"]);
    expect(writes(target)).toEqual(["createConnector", "alterOffsets", "resume"]);
    const moved = target.connectors.get(spec.name)!;
    expect(moved.offsets).toEqual(OFFSETS);
    expect(readMark(moved.config)).toEqual({ id: "c-1", version: 4, manager: "web/b" });
    expect(source.connectors.has(spec.name)).toBe(false);
    expect(report.source.steps.map((s) => s.step)).toEqual(["read", "stop", "read-offsets", "delete"]);
    expect(report.target.steps.map((s) => s.step)).toEqual(["read", "create", "write-offsets", "start"]);
    expect(events.filter((e) => e.status === "done").map((e) => `${e.cluster}:${e.step}`)).toEqual([
      "source:read",
      "target:read",
      "source:stop",
      "source:read-offsets",
      "target:create",
      "target:write-offsets",
      "target:start",
      "source:delete",
    ]);
    expect(JSON.stringify(report)).not.toContain("hunter2");
  });

  it.each(["PAUSED", "STOPPED"] as const)("leaves the moved connector %s when that is its desired state", async (state) => {
    const { source, target } = clusters({ sourceState: state });
    const report = await moveConnector({ ...spec, state }, source, target, fast);
    expect(report.ok).toBe(true);
    expect(target.connectors.get(spec.name)?.state).toBe(state);
  });

  it("refuses a name another connector holds on the target and changes nothing", async () => {
    const held = createFakeConnect({ connectors: [{ name: spec.name, config: stampConfig(SINK, { id: "other", version: 1, manager: "cli/ops" }) }] });
    const { source, target } = clusters({ target: held });
    const report = await moveConnector(spec, source, target, fast);
    expect(report).toMatchObject({ ok: false, conflict: { code: "NAME_TAKEN", heldBy: { name: spec.name, id: "other", manager: "cli/ops" } } });
    expect(report.error).toContain("nothing was changed");
    expect(writes(source)).toEqual([]);
    expect(writes(target)).toEqual([]);
  });

  it("changes nothing when the target cannot be read", async () => {
    const { source, target } = clusters();
    target.failNext("getConnector", new ConnectError("UNREACHABLE", "no Kafka Connect worker answered"));
    const report = await moveConnector(spec, source, target, fast);
    expect(report).toMatchObject({ ok: false, source: { final: "UNKNOWN" } });
    expect(report.error).toMatch(/read on the target cluster failed: UNREACHABLE.*nothing was changed/);
    expect(writes(source)).toEqual([]);
    expect(source.connectors.get(spec.name)?.state).toBe("RUNNING");
  });

  it("rolls back when writing the offsets fails: the target's copy is removed and the source runs again", async () => {
    const { source, target } = clusters();
    target.failNext("alterOffsets", new ConnectError("BAD_REQUEST", "offsets refused", 400));
    const report = await moveConnector(spec, source, target, fast);
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/write-offsets on the target cluster failed.*rolled back: the target's copy was removed, the source was restored to RUNNING/);
    expect(target.connectors.has(spec.name)).toBe(false);
    expect(source.connectors.get(spec.name)?.state).toBe("RUNNING");
    expect(report).toMatchObject({ source: { final: "RUNNING" }, target: { final: "ABSENT" } });
    expect(report.target.steps.map((s) => `${s.step}:${s.ok}`)).toEqual(["read:true", "create:true", "write-offsets:false", "remove-copy:true"]);
    expect(report.source.steps.map((s) => `${s.step}:${s.ok}`)).toEqual(["read:true", "stop:true", "read-offsets:true", "restore:true"]);
  });

  it("rolls back to the desired state when the moved connector fails on the target", async () => {
    const { source, target } = clusters({ sourceState: "PAUSED" });
    target.failNext("pause", new ConnectError("BAD_REQUEST", "cannot pause", 400));
    const report = await moveConnector({ ...spec, state: "PAUSED" }, source, target, fast);
    expect(report.ok).toBe(false);
    expect(source.connectors.get(spec.name)?.state).toBe("PAUSED");
    expect(target.connectors.has(spec.name)).toBe(false);
  });

  it("carries on after an interruption between the target's create and its offsets", async () => {
    const { source, target } = clusters();
    const stop = new AbortController();
    const first = await moveConnector(spec, source, target, { ...fast, onEvent: (e) => e.step === "create" && e.status === "done" && stop.abort(), signal: stop.signal });
    expect(first).toMatchObject({ ok: false, interrupted: true });
    // Not rolled back: the copy waits on the target, the source stays stopped.
    expect(target.connectors.get(spec.name)?.state).toBe("STOPPED");
    expect(source.connectors.get(spec.name)?.state).toBe("STOPPED");

    const second = await moveConnector(spec, source, target, fast);
    expect(second).toMatchObject({ ok: true, offsets: 2 });
    expect(target.connectors.get(spec.name)).toMatchObject({ state: "RUNNING", offsets: OFFSETS });
    expect(source.connectors.has(spec.name)).toBe(false);
  });

  it("after a crash past the target's start, does not write the offsets again and only deletes the source", async () => {
    const { source, target } = clusters();
    await source.stop(spec.name);
    await target.createConnector(spec.name, stampConfig(SINK, { id: spec.id, version: 4, manager: "web/b" }), "RUNNING");
    // The target ran on and committed further.
    target.connectors.get(spec.name)!.offsets = [{ partition: OFFSETS[0]!.partition, offset: { kafka_offset: 99 } }];
    source.calls.length = 0;
    target.calls.length = 0;

    const report = await moveConnector(spec, source, target, fast);
    expect(report.ok).toBe(true);
    expect(writes(source)).toEqual(["deleteConnector"]);
    expect(writes(target)).toEqual([]);
    expect(target.connectors.get(spec.name)?.offsets).toEqual([{ partition: OFFSETS[0]!.partition, offset: { kafka_offset: 99 } }]);
  });

  it("finishes a move whose source was already deleted by verifying the target", async () => {
    const { target } = clusters();
    const source = createFakeConnect();
    await target.createConnector(spec.name, stampConfig(SINK, { id: spec.id, version: 4, manager: "web/b" }), "RUNNING");
    const report = await moveConnector(spec, source, target, fast);
    expect(report).toMatchObject({ ok: true, source: { final: "ABSENT" }, target: { final: "RUNNING" } });
    expect(writes(source)).toEqual([]);
  });

  it("refuses a source connector stamped with another id", async () => {
    const source = createFakeConnect({ connectors: [{ name: spec.name, config: stampConfig(SINK, { id: "someone-else", version: 1 }) }] });
    const target = createFakeConnect();
    const report = await moveConnector(spec, source, target, fast);
    expect(report.ok).toBe(false);
    expect(report.error).toContain("is not this one");
    expect(writes(source)).toEqual([]);
    expect(writes(target)).toEqual([]);
  });

  it("reports a failed source delete without rolling back the started target", async () => {
    const { source, target } = clusters();
    source.failNext("deleteConnector", new ConnectError("BAD_REQUEST", "refused", 400));
    const report = await moveConnector(spec, source, target, fast);
    expect(report.ok).toBe(false);
    expect(report.error).toContain("deploy again to finish the move");
    expect(target.connectors.get(spec.name)?.state).toBe("RUNNING");
    expect(source.connectors.get(spec.name)?.state).toBe("STOPPED");
  });
});
