import { describe, expect, it } from "vitest";
import { createLocalBus } from "./board-bus";

describe("in-process board bus", () => {
  it("delivers a publish to every subscriber until it unsubscribes", () => {
    const bus = createLocalBus();
    const a: (string | null)[] = [];
    const b: (string | null)[] = [];
    const stopA = bus.subscribe((id) => a.push(id));
    bus.subscribe((id) => b.push(id));
    bus.publish("c1");
    stopA();
    bus.publish(null);
    expect(a).toEqual(["c1"]);
    expect(b).toEqual(["c1", null]);
  });
});
