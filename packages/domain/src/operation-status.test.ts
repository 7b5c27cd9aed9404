import { describe, expect, it } from "vitest";
import { isFinalOperationStatus, operationStatus } from "./operation-status";

const at = "2026-11-29T03:00:00.000Z";
const start = { type: "deploy-start", attempt: 1, at };
const plan = (...actions: Array<[string, string]>) => ({ type: "plan", actions: actions.map(([name, kind]) => ({ name, kind })), at });
const stepStart = (name: string, kind: string) => ({ type: "step-start", name, kind, at });
const stepDone = (name: string, kind: string) => ({ type: "step-done", name, kind, at });

describe("operationStatus", () => {
  it("is accepted while the deployment is queued, whatever its log holds", () => {
    expect(operationStatus("queued", [])).toBe("accepted");
    expect(operationStatus("queued", [start, plan(["a", "create"])])).toBe("accepted");
  });

  it("is preparing while running before any step was applied: started, planned, a step in flight", () => {
    expect(operationStatus("running", [])).toBe("preparing");
    expect(operationStatus("running", [start])).toBe("preparing");
    expect(operationStatus("running", [start, plan(["a", "create"], ["b", "update"])])).toBe("preparing");
    expect(operationStatus("running", [start, plan(["a", "create"], ["b", "update"]), stepStart("a", "create")])).toBe("preparing");
  });

  it("stays preparing until every step was applied", () => {
    const events = [start, plan(["a", "create"], ["b", "update"]), stepStart("a", "create"), stepDone("a", "create")];
    expect(operationStatus("running", events)).toBe("preparing");
  });

  it("is provisioned once every step was applied, and while verifying", () => {
    const applied = [start, plan(["a", "create"], ["b", "update"]), stepStart("a", "create"), stepDone("a", "create"), stepStart("b", "update"), stepDone("b", "update")];
    expect(operationStatus("running", applied)).toBe("provisioned");
    expect(operationStatus("running", [...applied, { type: "verify-start", connectors: 2, at }])).toBe("provisioned");
    expect(operationStatus("running", [...applied, { type: "verify-start", connectors: 2, at }, { type: "verify-progress", ready: 1, total: 2, pending: ["b"], at }])).toBe("provisioned");
  });

  it("is deleting while a plan that only deletes connectors runs, until the deployment ends", () => {
    const deletes = [start, plan(["a", "delete"], ["b", "delete"], ["c", "noop"])];
    expect(operationStatus("running", deletes)).toBe("deleting");
    const applied = [...deletes, stepStart("a", "delete"), stepDone("a", "delete"), stepStart("b", "delete"), stepDone("b", "delete"), { type: "verify-start", connectors: 2, at }];
    expect(operationStatus("running", applied)).toBe("deleting");
    expect(operationStatus("succeeded", [...applied, { type: "verify-done", ok: true, at }, { type: "finished", status: "succeeded", at }])).toBe("ready");
  });

  it("is not deleting when the plan also creates or updates, nor when it changes nothing", () => {
    expect(operationStatus("running", [start, plan(["a", "delete"], ["b", "create"])])).toBe("preparing");
    expect(operationStatus("running", [start, plan(["a", "noop"])])).toBe("provisioned");
  });

  it("follows the last plan after a crash and a resume", () => {
    const events = [start, plan(["a", "create"]), { type: "resumed", attempt: 2, at }, plan(["a", "delete"])];
    expect(operationStatus("running", events)).toBe("deleting");
  });

  it("is ready when the deployment succeeded and failed when it failed", () => {
    expect(operationStatus("succeeded", [])).toBe("ready");
    expect(operationStatus("failed", [start, plan(["a", "delete"])])).toBe("failed");
  });

  it("ignores lines that are not events", () => {
    expect(operationStatus("running", [null, 42, "x", { type: 1 }])).toBe("preparing");
  });

  it("calls only ready and failed final", () => {
    expect((["accepted", "preparing", "provisioned", "deleting", "ready", "failed"] as const).filter(isFinalOperationStatus)).toEqual(["ready", "failed"]);
  });
});
