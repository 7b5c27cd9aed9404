import { describe, expect, it } from "vitest";
import { connectorOffsetsSchema, mergeOffsets, snapshotsFromEvents } from "./offsets";

const p = (partition: number, offset: number | null) => ({ partition: { kafka_topic: "orders", kafka_partition: partition }, offset: offset === null ? null : { kafka_offset: offset } });

describe("connectorOffsetsSchema", () => {
  it("accepts Connect's sink and source shapes, null offsets included, as own-property copies", () => {
    const parsed = connectorOffsetsSchema.parse([p(0, 5), p(1, null), { partition: { filename: "/tmp/in" }, offset: { position: 42 } }]);
    expect(parsed).toEqual([p(0, 5), p(1, null), { partition: { filename: "/tmp/in" }, offset: { position: 42 } }]);
  });

  it("names the problem of a hostile value", () => {
    const message = (offsets: unknown) => {
      const r = connectorOffsetsSchema.safeParse(offsets);
      return r.success ? "accepted" : r.error.issues.map((i) => i.message).join("; ");
    };
    expect(message(JSON.parse('[{"partition": {"a": 1}, "offset": {"x": {"__proto__": 1}}}]'))).toMatch(/offset\.x: the key "__proto__" is not allowed/);
    expect(message([{ partition: { a: Number.POSITIVE_INFINITY }, offset: null }])).toMatch(/finite/);
    expect(message([{ partition: { a: Array.from({ length: 101 }, () => 1) }, offset: null }])).toMatch(/at most 100 items/);
    expect(message([{ partition: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), offset: null }])).toMatch(/at most 50 keys/);
    expect(message([{ partition: { a: 1 }, offset: { b: 2 }, extra: true }])).toMatch(/Unrecognized key/i);
  });
});

describe("snapshotsFromEvents", () => {
  it("keeps the first snapshot of each connector: a re-run's snapshot is of offsets already changed", () => {
    const events = [
      { type: "plan", actions: [] },
      { type: "offsets-snapshot", name: "a", offsets: [p(0, 10)], at: "t1" },
      { type: "offsets-snapshot", name: "a", offsets: [], at: "t2" },
      { type: "offsets-snapshot", name: "b", offsets: "garbage" },
    ];
    expect(snapshotsFromEvents(events)).toEqual(new Map([["a", [p(0, 10)]]]));
  });
});

describe("mergeOffsets", () => {
  it("replaces the given partitions and drops those set to null", () => {
    expect(mergeOffsets([p(0, 1), p(1, 2)], [p(1, 9), p(0, null), p(2, 3)])).toEqual([p(1, 9), p(2, 3)]);
  });
});
