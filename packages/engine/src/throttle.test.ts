import { afterEach, describe, expect, it, vi } from "vitest";
import { applyPlan, type ApplyOptions } from "./apply";
import { createFakeConnect } from "./fake-connect";
import type { Plan, PlanAction } from "./model";
import { ConnectError, type ConnectPort } from "./port";

const fast: ApplyOptions = { settleMs: 20, pollIntervalMs: 5, verifyTimeoutMs: 10_000 };
const names = Array.from({ length: 10 }, (_, i) => `c${String(i).padStart(2, "0")}`);
const sink = { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "orders" };

function pausePlan(): Plan {
  const actions: PlanAction[] = names.map((name) => ({ kind: "pause", name, id: `id-${name}`, reason: "bulk pause" }));
  return { actions, topicsToCreate: [], topicsToDelete: [], unmanaged: [], managedElsewhere: [], conflicts: [], warnings: [], expected: Object.fromEntries(names.map((n) => [n, "PAUSED"])) };
}

const running = () => createFakeConnect({ connectors: names.map((name) => ({ name, config: { ...sink, name } })) });
const notFound = (name: string) => new ConnectError("NOT_FOUND", `Connector ${name} not found`, 404);

afterEach(() => {
  vi.useRealTimers();
});

describe("throttled apply", () => {
  it("never has more connectors in flight than the concurrency", async () => {
    const fake = running();
    let inFlight = 0;
    let most = 0;
    const port: ConnectPort = {
      ...fake,
      pause: async (name) => {
        most = Math.max(most, ++inFlight);
        // Yield a few times so that every started call overlaps the others.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        await fake.pause(name);
        inFlight -= 1;
      },
    };
    const report = await applyPlan(pausePlan(), port, { ...fast, concurrency: 3 });
    expect(report.ok).toBe(true);
    expect(most).toBe(3);
  });

  it("starts at most ratePerSecond connectors per second, evenly spread", async () => {
    vi.useFakeTimers();
    const fake = running();
    const paused = () => fake.calls.filter((c) => c.method === "pause").length;
    const done = applyPlan(pausePlan(), fake, { ...fast, concurrency: 10, ratePerSecond: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(paused()).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(paused()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(paused()).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(paused()).toBe(4);
    await vi.advanceTimersByTimeAsync(20_000);
    const report = await done;
    expect(report).toMatchObject({ ok: true, notAttempted: [] });
    expect(report.paused).toEqual(names);
  });

  it("halts after N failed steps: the rest is left untouched, reported as not attempted, and the apply fails with the reason first", async () => {
    const fake = running();
    // Deleted behind the engine's back: Connect answers 404 to their pause.
    for (const name of ["c02", "c04", "c05"]) {
      fake.connectors.delete(name);
      fake.failNext("pause", notFound(name), { name });
    }
    const report = await applyPlan(pausePlan(), fake, { ...fast, concurrency: 1, haltAfterFailures: 2 });
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toEqual({ name: "apply", kind: "halted", error: "halted after 2 failed steps; 5 connectors were not attempted and left untouched" });
    expect(report.failures.slice(1).map((f) => f.name)).toEqual(["c02", "c04"]);
    expect(report.notAttempted).toEqual(["c05", "c06", "c07", "c08", "c09"]);
    expect(report.paused).toEqual(["c00", "c01", "c03"]);
    expect(fake.calls.filter((c) => c.method === "pause").map((c) => c.name)).toEqual(["c00", "c01", "c02", "c03", "c04"]);
    for (const name of ["c06", "c07", "c08", "c09"]) expect(fake.connectors.get(name)?.state).toBe("RUNNING");
    const outcome = report.verification.connectors.find((c) => c.name === "c07");
    expect(outcome).toMatchObject({ ok: false, observed: "RUNNING", reason: "not attempted: the apply halted before pause of c07" });
  });

  it("does not halt below the bound, nor without one", async () => {
    for (const haltAfterFailures of [3, undefined]) {
      const fake = running();
      for (const name of ["c02", "c04"]) fake.failNext("pause", notFound(name), { name });
      const report = await applyPlan(pausePlan(), fake, { ...fast, concurrency: 2, ...(haltAfterFailures ? { haltAfterFailures } : {}) });
      expect(report.notAttempted).toEqual([]);
      expect(report.failures.map((f) => f.kind)).toEqual(["pause", "pause"]);
      expect(fake.calls.filter((c) => c.method === "pause")).toHaveLength(10);
    }
  });

  it("restarts a single task with the task restart call, and fails clearly for a task the connector does not have", async () => {
    const fake = running();
    fake.failTask("c00", 0, "java.lang.RuntimeException: boom");
    const restart = (name: string, taskId: number): PlanAction => ({ kind: "restart", name, id: `id-${name}`, onlyFailed: false, taskId, reason: "restart task" });
    const plan: Plan = { ...pausePlan(), actions: [restart("c00", 0), restart("c01", 3)], expected: { c00: "RUNNING", c01: "RUNNING" } };
    const report = await applyPlan(plan, fake, fast);
    expect(fake.calls.filter((c) => c.method.startsWith("restart"))).toEqual([
      { method: "restartTask", name: "c00" },
      { method: "restartTask", name: "c01" },
    ]);
    expect(fake.connectors.get("c00")?.tasks).toEqual([{ id: 0, state: "RUNNING" }]);
    expect(report.restarted).toEqual(["c00"]);
    expect(report.failures).toEqual([{ name: "c01", kind: "restart", error: "NOT_FOUND: Task c01-3 not found" }]);
  });
});
