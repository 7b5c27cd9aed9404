import { describe, expect, it } from "vitest";
import { ConnectorStatuses, parseStatusRecord } from "./status-topic";

// A value as the 4.3.1 stack writes it (checked by reading `_connect-status` with kafkajs).
const value = (state: string, generation = 3, trace: string | null = null) => JSON.stringify({ state, trace, worker_id: "127.0.0.1:18083", generation, version: "4.3.1" });

describe("parseStatusRecord", () => {
  it("reads connector and task keys whose names hold dashes and digits", () => {
    expect(parseStatusRecord("status-connector-orders-2-sink", value("RUNNING"))).toEqual({
      kind: "connector",
      connector: "orders-2-sink",
      status: { state: "RUNNING", trace: null, workerId: "127.0.0.1:18083", generation: 3 },
    });
    expect(parseStatusRecord("status-task-orders-2-sink-10", value("FAILED", 4, "boom"))).toEqual({
      kind: "task",
      connector: "orders-2-sink",
      task: 10,
      status: { state: "FAILED", trace: "boom", workerId: "127.0.0.1:18083", generation: 4 },
    });
    expect(parseStatusRecord("status-task-a-0-0", value("RUNNING"))).toMatchObject({ kind: "task", connector: "a-0", task: 0 });
  });

  it("reads a null value as a tombstone", () => {
    expect(parseStatusRecord("status-connector-x", null)).toEqual({ kind: "connector", connector: "x", status: null });
    expect(parseStatusRecord("status-task-x-1", null)).toEqual({ kind: "task", connector: "x", task: 1, status: null });
  });

  it("ignores other keys and garbage values without throwing", () => {
    for (const [key, v] of [
      [null, value("RUNNING")],
      ["status-topic-orders:connector-x", value("RUNNING")],
      ["status-connector-", value("RUNNING")],
      ["status-task-x", value("RUNNING")],
      ["status-task-x-", value("RUNNING")],
      ["status-connector-x", "{not json"],
      ["status-connector-x", "42"],
      ["status-connector-x", "null"],
      ["status-connector-x", JSON.stringify({ state: "EXPLODED", generation: 1 })],
      ["status-connector-x", JSON.stringify({ state: "RUNNING", generation: "one" })],
      ["status-task-x-1", JSON.stringify([1, 2])],
    ] as const) {
      expect(parseStatusRecord(key, v), `${key} ${v}`).toBeNull();
    }
  });
});

describe("ConnectorStatuses", () => {
  const apply = (s: ConnectorStatuses, key: string, v: string | null) => s.apply(parseStatusRecord(key, v)!);

  it("describes a connector with its tasks in order, as the REST status would", () => {
    const s = new ConnectorStatuses();
    apply(s, "status-task-c-1-1", value("FAILED", 3, "trace 1"));
    expect(s.view("c-1")).toEqual({ kind: "unknown" });
    apply(s, "status-connector-c-1", value("RUNNING"));
    apply(s, "status-task-c-1-0", value("RUNNING"));
    expect(s.view("c-1")).toEqual({
      kind: "present",
      connector: {
        name: "c-1",
        config: null,
        type: "unknown",
        state: "RUNNING",
        workerId: "127.0.0.1:18083",
        tasks: [
          { id: 0, state: "RUNNING", workerId: "127.0.0.1:18083" },
          { id: 1, state: "FAILED", workerId: "127.0.0.1:18083", trace: "trace 1" },
        ],
      },
    });
  });

  it("ignores a write from an older generation, and takes the newer one", () => {
    const s = new ConnectorStatuses();
    apply(s, "status-connector-c", value("RUNNING", 5));
    apply(s, "status-task-c-0", value("RUNNING", 5));
    apply(s, "status-task-c-0", value("FAILED", 4, "stale"));
    apply(s, "status-connector-c", value("FAILED", 4, "stale"));
    expect(s.view("c")).toMatchObject({ kind: "present", connector: { state: "RUNNING", tasks: [{ state: "RUNNING" }] } });
    apply(s, "status-task-c-0", value("FAILED", 6, "now"));
    expect(s.view("c")).toMatchObject({ connector: { tasks: [{ state: "FAILED", trace: "now" }] } });
  });

  it("reports a tombstoned connector as deleted, and a re-created one afresh", () => {
    const s = new ConnectorStatuses();
    apply(s, "status-connector-c", value("RUNNING", 7));
    apply(s, "status-task-c-0", value("FAILED", 7, "x"));
    apply(s, "status-task-c-0", null);
    apply(s, "status-connector-c", null);
    expect(s.view("c")).toEqual({ kind: "deleted" });
    apply(s, "status-connector-c", value("RUNNING", 1));
    expect(s.view("c")).toMatchObject({ kind: "present", connector: { state: "RUNNING", tasks: [] } });
  });
});
