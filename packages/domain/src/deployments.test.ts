import { describe, expect, it } from "vitest";
import type { PlanJson } from "@switchboard/engine/format";
import { reportTopics, type DeploymentReport } from "./deployments";

const EMPTY = { added: [], removed: [], updated: [], paused: [], resumed: [], stopped: [], restarted: [], skipped: [], unmanaged: [], topicsCreated: [], topicsDeleted: [] };

function plan(p: Partial<PlanJson>): PlanJson {
  return {
    actions: [],
    topicsToCreate: [],
    topicsToDelete: [],
    unmanaged: [],
    managedElsewhere: [],
    conflicts: [],
    warnings: [],
    expected: {},
    summary: { create: 0, update: 0, delete: 0, pause: 0, resume: 0, stop: 0, restart: 0, skip: 0, unchanged: 0, unmanaged: 0 },
    hasChanges: true,
    ...p,
  };
}

function report(over: Partial<DeploymentReport>): DeploymentReport {
  return {
    deploymentId: "d1",
    outcome: "succeeded",
    changeRequest: { id: "c1", title: "t", rationale: "", revision: 1, author: { name: "a", email: "a@x" } },
    writers: [],
    cluster: { id: "k", name: "k", environment: "dev" },
    requestedBy: null,
    approvals: [],
    plan: plan({}),
    validation: [],
    summary: EMPTY,
    failures: [],
    connectors: [],
    verification: { ok: true, durationMs: 5 },
    attempts: 1,
    startedAt: null,
    finishedAt: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

describe("reportTopics", () => {
  it("gives no rows for a report without topic changes or without a plan", () => {
    expect(reportTopics(report({}))).toEqual([]);
    expect(reportTopics(report({ plan: null, verification: null }))).toEqual([]);
  });

  it("lists a created topic with its size and a deleted one", () => {
    const r = report({
      plan: plan({ topicsToCreate: [{ name: "orders", partitions: 3, replicationFactor: 1 }], topicsToDelete: ["old"] }),
      summary: { ...EMPTY, topicsCreated: ["orders"], topicsDeleted: ["old"] },
    });
    expect(reportTopics(r)).toEqual([
      { topic: "orders", action: "created", partitions: 3, replicationFactor: 1, ok: true, outcome: "created" },
      { topic: "old", action: "deleted", partitions: null, replicationFactor: null, ok: true, outcome: "deleted with its records" },
    ]);
  });

  it("marks topics the plan left alone from its TOPIC_EXISTS and TOPIC_MISSING warnings", () => {
    const r = report({
      plan: plan({
        warnings: [
          { code: "TOPIC_EXISTS", message: "topic orders exists already; it is left as it is (its partitions and configs are not changed)" },
          { code: "TOPIC_MISSING", message: "topic gone does not exist; there is nothing to delete" },
        ],
      }),
    });
    expect(reportTopics(r).map((t) => [t.topic, t.action, t.outcome])).toEqual([
      ["orders", "left alone", "existed already: not changed"],
      ["gone", "left alone", "did not exist: nothing to delete"],
    ]);
  });

  it("says a topic found existing at apply time was left alone", () => {
    const r = report({ plan: plan({ topicsToCreate: [{ name: "orders", partitions: 1, replicationFactor: 1 }] }) });
    expect(reportTopics(r)[0]).toMatchObject({ action: "left alone", ok: true, outcome: "existed already when applied" });
  });

  it("gives the failure of a topic creation or deletion, and 'not run' when the deploy never applied", () => {
    const failed = report({
      outcome: "failed",
      plan: plan({ topicsToCreate: [{ name: "a", partitions: 1, replicationFactor: 1 }], topicsToDelete: ["b", "c"] }),
      failures: [
        { name: "a", kind: "create-topics", error: "TIMEOUT: broker down" },
        { name: "b, c", kind: "delete-topics", error: "not run: delete of x failed" },
      ],
    });
    expect(reportTopics(failed).map((t) => [t.topic, t.action, t.ok, t.outcome])).toEqual([
      ["a", "create", false, "failed: TIMEOUT: broker down"],
      ["b", "delete", false, "failed: not run: delete of x failed"],
      ["c", "delete", false, "failed: not run: delete of x failed"],
    ]);
    const never = report({ outcome: "failed", verification: null, plan: plan({ topicsToDelete: ["b"] }) });
    expect(reportTopics(never)[0]).toMatchObject({ action: "delete", ok: false, outcome: "not run: the deploy ended before applying" });
  });
});
