import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPlan, type ApplyEvent, type ApplyOptions } from "./apply";
import { createFakeConnect, leaderUnavailable, type FakeConnect } from "./fake-connect";
import type { DesiredRunState, Plan, PlanAction, TopicSpec } from "./model";
import { ConnectError, type ConnectPort, type TopicPort } from "./port";

const fast: ApplyOptions = { settleMs: 20, pollIntervalMs: 5, verifyTimeoutMs: 10_000 };

const sink = (topic = "orders"): Record<string, string> => ({
  "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",
  topics: topic,
});

function planOf(actions: PlanAction[], expected: Plan["expected"], extra: Partial<Plan> = {}): Plan {
  return { actions, topicsToCreate: [], topicsToDelete: [], unmanaged: [], managedElsewhere: [], conflicts: [], warnings: [], expected, ...extra };
}

const create = (name: string, state: DesiredRunState = "RUNNING", id = `id-${name}`): PlanAction => ({
  kind: "create",
  name,
  id,
  config: { ...sink(), "switchboard.id": id },
  state,
  reason: "new",
});
const del = (name: string, id?: string): PlanAction =>
  id === undefined ? { kind: "delete", name, reason: "gone", managed: false } : { kind: "delete", name, id, reason: "gone", managed: true };

/** Port calls that change something (verification polls left out). */
const writes = (fake: FakeConnect) => fake.calls.filter((c) => c.method !== "listConnectors");

const timeout = () => new ConnectError("TIMEOUT", "Request timed out", 500);

describe("applyPlan steps", () => {
  it("creates a RUNNING connector with one POST (a PUT could replace a connector a stale listing missed) and reports it added", async () => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, fast);
    expect(writes(fake)).toEqual([{ method: "createConnector", name: "a" }]);
    expect(report).toMatchObject({ ok: true, added: ["a"], failures: [] });
    expect(report.verification.connectors).toEqual([{ name: "a", expected: "RUNNING", observed: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }], ok: true }]);
  });

  it.each(["PAUSED", "STOPPED"] as const)("creates a %s connector with one POST carrying the initial state", async (state) => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([create("a", state)], { a: state }), fake, fast);
    expect(writes(fake)).toEqual([{ method: "createConnector", name: "a" }]);
    expect(fake.connectors.get("a")?.state).toBe(state);
    expect(report).toMatchObject({ ok: true, added: ["a"] });
  });

  it("updates with one PUT and reports it updated", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    const update: PlanAction = { kind: "update", name: "a", id: "id-a", config: sink("payments"), changes: [], reason: "config" };
    const report = await applyPlan(planOf([update], { a: "RUNNING" }), fake, fast);
    expect(writes(fake)).toEqual([{ method: "putConfig", name: "a" }]);
    expect(fake.connectors.get("a")?.config.topics).toBe("payments");
    expect(report).toMatchObject({ ok: true, updated: ["a"] });
  });

  it("deletes with one DELETE and verifies the connector is gone", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    const report = await applyPlan(planOf([del("a", "id-a")], { a: "ABSENT" }), fake, fast);
    expect(writes(fake)).toEqual([{ method: "deleteConnector", name: "a" }]);
    expect(report).toMatchObject({ ok: true, removed: ["a"] });
    expect(report.verification.connectors[0]).toMatchObject({ observed: "ABSENT", ok: true });
  });

  it("treats deleting an already deleted connector as done", async () => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([del("a")], { a: "ABSENT" }), fake, fast);
    expect(report).toMatchObject({ ok: true, removed: ["a"], failures: [] });
  });

  it.each([
    { kind: "pause", from: "RUNNING", to: "PAUSED", list: "paused" },
    { kind: "resume", from: "PAUSED", to: "RUNNING", list: "resumed" },
    { kind: "stop", from: "RUNNING", to: "STOPPED", list: "stopped" },
  ] as const)("$kind makes exactly one call and lists the connector as $list", async ({ kind, from, to, list }) => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink(), state: from }] });
    const report = await applyPlan(planOf([{ kind, name: "a", id: "id-a", reason: "state" }], { a: to }), fake, fast);
    expect(writes(fake)).toEqual([{ method: kind, name: "a" }]);
    expect(fake.connectors.get("a")?.state).toBe(to);
    expect(report.ok).toBe(true);
    expect(report[list]).toEqual(["a"]);
  });

  it("restarts a failed connector with its tasks and lists it as restarted", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failTask("a", 0, "java.lang.RuntimeException: boom");
    const calls: Parameters<ConnectPort["restart"]>[] = [];
    const port: ConnectPort = { ...fake, restart: (name, opts) => (calls.push([name, opts]), fake.restart(name, opts)) };
    const restart: PlanAction = { kind: "restart", name: "a", id: "id-a", onlyFailed: true, reason: "failed" };
    const report = await applyPlan(planOf([restart], { a: "RUNNING" }), port, fast);
    expect(calls).toEqual([["a", { includeTasks: true, onlyFailed: true }]]);
    expect(writes(fake)).toEqual([{ method: "restart", name: "a" }]);
    expect(report).toMatchObject({ ok: true, restarted: ["a"] });
  });

  it("makes no calls for noop and skip, lists skipped and unmanaged connectors, and counts neither in total", async () => {
    const fake = createFakeConnect();
    const events: ApplyEvent[] = [];
    const plan = planOf(
      [
        { kind: "noop", name: "a", id: "id-a", reason: "unchanged" },
        { kind: "skip", name: "b", id: "id-b", version: 1, deployedVersion: 2, reason: "older" },
      ],
      {},
      { unmanaged: ["legacy"] },
    );
    const report = await applyPlan(plan, fake, { ...fast, onEvent: (e) => events.push(e) });
    expect(fake.calls).toEqual([]);
    expect(events[0]).toEqual({ type: "start", total: 0 });
    expect(report).toMatchObject({ ok: true, skipped: ["b"], unmanaged: ["legacy"], added: [] });
  });

  it("stops a connector's later steps once one of them failed for sure", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("putConfig", new ConnectError("BAD_REQUEST", "Connector configuration is invalid", 400));
    const update: PlanAction = { kind: "update", name: "a", id: "id-a", config: sink("x"), changes: [], reason: "config" };
    const report = await applyPlan(planOf([update, { kind: "pause", name: "a", id: "id-a", reason: "paused" }], { a: "PAUSED" }), fake, fast);
    expect(writes(fake)).toEqual([{ method: "putConfig", name: "a" }]);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { name: "a", kind: "update", error: "BAD_REQUEST: Connector configuration is invalid" },
      { name: "a", kind: "pause", error: "not run: update of a failed" },
    ]);
    expect(report.updated).toEqual([]);
  });
});

describe("applyPlan when Connect misleads", () => {
  it("accepts a create whose POST timed out but was carried out", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", timeout(), { afterApplying: true });
    const events: ApplyEvent[] = [];
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, onEvent: (e) => events.push(e) });
    expect(events).toContainEqual({ type: "step-done", name: "a", kind: "create", uncertain: true, error: "TIMEOUT: Request timed out" });
    expect(report).toMatchObject({ ok: true, added: ["a"], failures: [] });
  });

  it("fails a create whose POST never lands, naming the step and the connector", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", timeout(), { times: Infinity });
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, verifyTimeoutMs: 100 });
    expect(report.ok).toBe(false);
    expect(report.added).toEqual([]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "a", kind: "verify" });
    expect(report.failures[0]?.error).toMatch(/^create of a may not have landed: not found on the cluster after 100 ms \(TIMEOUT: Request timed out; sent again \d+ times?\)$/);
  });

  it("lets verification decide when a retried POST answers CONFLICT", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", new ConnectError("CONFLICT", "Connector a already exists", 409), { afterApplying: true });
    const report = await applyPlan(planOf([create("a", "PAUSED")], { a: "PAUSED" }), fake, fast);
    expect(report).toMatchObject({ ok: true, added: ["a"] });
  });

  it("records a rejected create as a failure and still applies the others, without waiting for it", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", new ConnectError("BAD_REQUEST", "Connector configuration is invalid", 400));
    const plan = planOf([create("a"), create("b")], { a: "RUNNING", b: "RUNNING" });
    // A huge timeout: the test would hang if verification waited for the rejected connector.
    const report = await applyPlan(plan, fake, { ...fast, concurrency: 1, verifyTimeoutMs: 600_000 });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([{ name: "a", kind: "create", error: "BAD_REQUEST: Connector configuration is invalid" }]);
    expect(report.added).toEqual(["b"]);
    expect([...fake.connectors.keys()]).toEqual(["b"]);
    expect(report.verification.connectors.find((c) => c.name === "a")).toMatchObject({ ok: false, observed: "ABSENT" });
  });

  it("never lets a failed delete stop the creations, and reports it afterwards", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink() }] });
    fake.failNext("deleteConnector", new ConnectError("UNAUTHORIZED", "forbidden", 403));
    const plan = planOf([del("old", "id-old"), create("a"), create("b")], { old: "ABSENT", a: "RUNNING", b: "RUNNING" });
    const report = await applyPlan(plan, fake, { ...fast, concurrency: 1 });
    expect(writes(fake)).toEqual([
      { method: "deleteConnector", name: "old" },
      { method: "createConnector", name: "a" },
      { method: "createConnector", name: "b" },
    ]);
    expect(report.ok).toBe(false);
    expect(report.added).toEqual(["a", "b"]);
    expect(report.removed).toEqual([]);
    expect(report.failures).toEqual([{ name: "old", kind: "delete", error: "UNAUTHORIZED: forbidden" }]);
  });

  it("fails when a task fails during verification, naming the task and the first line of its trace", async () => {
    const fake = createFakeConnect();
    const trace = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat org.example.Task.start(Task.java:42)";
    const onEvent = (e: ApplyEvent) => {
      if (e.type === "step-done" && e.name === "a") fake.failTask("a", 0, trace);
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, verifyTimeoutMs: 600_000, onEvent });
    expect(report.ok).toBe(false);
    expect(report.added).toEqual([]);
    expect(report.failures).toEqual([{ name: "a", kind: "verify", error: "task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: boom" }]);
    expect(report.verification.connectors[0]).toMatchObject({ observed: "RUNNING", tasks: [{ id: 0, state: "FAILED", trace }] });
  });

  it("waits for a connector whose status shows up late", async () => {
    const fake = createFakeConnect();
    let polls = 0;
    const port: ConnectPort = {
      ...fake,
      listConnectors: async () => (++polls <= 3 ? [] : fake.listConnectors()),
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), port, fast);
    expect(polls).toBeGreaterThan(3);
    expect(report).toMatchObject({ ok: true, added: ["a"] });
  });

  it("tolerates a failing poll during verification", async () => {
    const fake = createFakeConnect();
    fake.failNext("listConnectors", new ConnectError("CONFLICT_REBALANCE", "rebalance in progress", 409));
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, fast);
    expect(report.ok).toBe(true);
  });

  it("fails a delete that never happens once the deadline passes", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("deleteConnector", timeout(), { times: Infinity });
    const report = await applyPlan(planOf([del("a", "id-a")], { a: "ABSENT" }), fake, { ...fast, verifyTimeoutMs: 60 });
    expect(report.ok).toBe(false);
    expect(report.removed).toEqual([]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "a", kind: "verify" });
    expect(report.failures[0]?.error).toMatch(/^delete of a may not have landed: still present \(RUNNING\) after 60 ms \(TIMEOUT: Request timed out/);
  });

  it("fails a connector deleted by someone else meanwhile, without creating it again", async () => {
    const fake = createFakeConnect();
    const onEvent = (e: ApplyEvent) => {
      if (e.type === "step-done") fake.connectors.delete("a");
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, verifyTimeoutMs: 60, onEvent });
    expect(writes(fake)).toEqual([{ method: "createConnector", name: "a" }]);
    expect(report.failures).toEqual([{ name: "a", kind: "verify", error: "not RUNNING within 60 ms: not found on the cluster" }]);
  });
});

describe("applyPlan sends an uncertain write again when verification shows it did not land", () => {
  it("creates a connector whose POST failed while Connect had no leader, once a leader is back", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", leaderUnavailable(), { times: 3 });
    const events: ApplyEvent[] = [];
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, onEvent: (e) => events.push(e) });
    expect(report).toMatchObject({ ok: true, added: ["a"], failures: [] });
    expect(writes(fake)).toEqual(Array.from({ length: 4 }, () => ({ method: "createConnector", name: "a" })));
    expect(events.filter((e) => e.type === "step-resent")).toHaveLength(3);
  });

  it("updates a connector whose live config still differs after an uncertain PUT", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("putConfig", timeout());
    const update: PlanAction = { kind: "update", name: "a", id: "id-a", config: sink("payments"), changes: [], reason: "config" };
    const report = await applyPlan(planOf([update], { a: "RUNNING" }), fake, fast);
    expect(report).toMatchObject({ ok: true, updated: ["a"] });
    expect(fake.connectors.get("a")?.config.topics).toBe("payments");
    expect(writes(fake)).toEqual([
      { method: "putConfig", name: "a" },
      { method: "putConfig", name: "a" },
    ]);
  });

  it.each([
    { kind: "pause", from: "RUNNING", to: "PAUSED" },
    { kind: "resume", from: "PAUSED", to: "RUNNING" },
    { kind: "stop", from: "RUNNING", to: "STOPPED" },
  ] as const)("sends $kind again until the connector is $to", async ({ kind, from, to }) => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink(), state: from }] });
    fake.failNext(kind, leaderUnavailable(), { times: 2 });
    const report = await applyPlan(planOf([{ kind, name: "a", id: "id-a", reason: "state" }], { a: to }), fake, fast);
    expect(report.ok, JSON.stringify(report.failures)).toBe(true);
    expect(fake.connectors.get("a")?.state).toBe(to);
    expect(writes(fake)).toEqual(Array.from({ length: 3 }, () => ({ method: kind, name: "a" })));
  });

  it("deletes again while the connector is still there", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("deleteConnector", timeout());
    const report = await applyPlan(planOf([del("a", "id-a")], { a: "ABSENT" }), fake, fast);
    expect(report).toMatchObject({ ok: true, removed: ["a"] });
    expect(writes(fake)).toEqual([
      { method: "deleteConnector", name: "a" },
      { method: "deleteConnector", name: "a" },
    ]);
  });

  it("posts a create with its initial state again while the connector is absent, and takes 'already exists' as landed", async () => {
    const fake = createFakeConnect();
    fake.failNext("createConnector", timeout());
    fake.failNext("createConnector", new ConnectError("CONFLICT", "Connector a already exists", 409), { afterApplying: true });
    const report = await applyPlan(planOf([create("a", "PAUSED")], { a: "PAUSED" }), fake, fast);
    expect(report).toMatchObject({ ok: true, added: ["a"], failures: [] });
    expect(fake.connectors.get("a")?.state).toBe("PAUSED");
    expect(writes(fake)).toEqual([
      { method: "createConnector", name: "a" },
      { method: "createConnector", name: "a" },
    ]);
  });

  it("sends nothing again when the uncertain write did land", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink() }] });
    fake.failNext("createConnector", timeout(), { afterApplying: true });
    fake.failNext("deleteConnector", timeout(), { afterApplying: true });
    const report = await applyPlan(planOf([create("a"), del("old", "id-old")], { a: "RUNNING", old: "ABSENT" }), fake, fast);
    expect(report.ok).toBe(true);
    expect(writes(fake)).toHaveLength(2);
  });

  it("never sends a restart again", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failTask("a", 0, "java.lang.RuntimeException: boom");
    fake.failNext("restart", timeout());
    const restart: PlanAction = { kind: "restart", name: "a", id: "id-a", onlyFailed: true, reason: "failed" };
    const report = await applyPlan(planOf([restart], { a: "RUNNING" }), fake, fast);
    expect(report.ok).toBe(false);
    expect(writes(fake)).toEqual([{ method: "restart", name: "a" }]);
  });

  it("never deletes again a name that a create of the same plan took over", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("deleteConnector", timeout(), { afterApplying: true });
    const report = await applyPlan(planOf([del("a"), create("a", "RUNNING", "id-new")], { a: "RUNNING" }), fake, fast);
    expect(report.ok).toBe(true);
    expect(writes(fake)).toEqual([
      { method: "deleteConnector", name: "a" },
      { method: "createConnector", name: "a" },
    ]);
  });

  it("gives up on a write that Connect refuses when it is sent again, naming the step", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    fake.failNext("putConfig", timeout());
    fake.failNext("putConfig", new ConnectError("BAD_REQUEST", "Connector configuration is invalid", 400));
    const update: PlanAction = { kind: "update", name: "a", id: "id-a", config: sink("payments"), changes: [], reason: "config" };
    const report = await applyPlan(planOf([update], { a: "RUNNING" }), fake, { ...fast, verifyTimeoutMs: 600_000 });
    expect(report.failures).toEqual([{ name: "a", kind: "verify", error: "update of a failed when sent again: BAD_REQUEST: Connector configuration is invalid" }]);
    expect(writes(fake)).toHaveLength(2);
  });
});

describe("applyPlan waits for a connector's tasks", () => {
  it("does not take a running connector without tasks for ready: a task that fails as it starts is seen", async () => {
    const fake = createFakeConnect();
    let polls = 0;
    const port: ConnectPort = {
      ...fake,
      listConnectors: async () => {
        const a = fake.connectors.get("a");
        // The task shows up only after a few polls, and fails as it starts.
        if (a && ++polls < 6) a.tasks = [];
        else if (a) fake.failTask("a", 0, "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file");
        return fake.listConnectors();
      },
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), port, { ...fast, tasklessMs: 10_000 });
    expect(report.ok).toBe(false);
    expect(report.verification.connectors[0]).toMatchObject({ ok: false, reason: expect.stringContaining("task 0 FAILED: org.apache.kafka.connect.errors.ConnectException") });
  });

  it("accepts a connector that really has no tasks once it has held that long", async () => {
    const fake = createFakeConnect();
    const port: ConnectPort = {
      ...fake,
      listConnectors: async () => {
        const a = fake.connectors.get("a");
        if (a) a.tasks = [];
        return fake.listConnectors();
      },
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), port, { ...fast, tasklessMs: 60 });
    expect(report).toMatchObject({ ok: true, added: ["a"] });
  });
});

describe("applyPlan confirms the live config", () => {
  const secretSink = (password: string, topic = "orders") => ({ ...sink(topic), "connection.password": password, "switchboard.id": "id-a", "switchboard.version": "2" });

  it("keeps a connector pending while its config differs from the plan, then fails naming the keys only", async () => {
    const fake = createFakeConnect();
    const onEvent = (e: ApplyEvent) => {
      if (e.type !== "step-done") return;
      // Someone else's write lands right after ours: other values, one key more, one stamp less.
      const { "switchboard.version": _version, ...rest } = secretSink("hunter3", "payments");
      fake.connectors.get("a")!.config = { ...rest, "errors.tolerance": "all" };
    };
    const action: PlanAction = { kind: "create", name: "a", id: "id-a", version: 2, config: secretSink("hunter2"), state: "RUNNING", reason: "new" };
    const report = await applyPlan(planOf([action], { a: "RUNNING" }), fake, { ...fast, verifyTimeoutMs: 100, onEvent });
    expect(report.ok).toBe(false);
    expect(report.added).toEqual([]);
    expect(report.failures).toEqual([
      { name: "a", kind: "verify", error: "not RUNNING within 100 ms: config differs from the plan in keys connection.password, errors.tolerance, switchboard.version, topics" },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/hunter|payments/);
    expect(writes(fake)).toHaveLength(1);
  });

  it("waits for a config that shows up late", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    let polls = 0;
    const port: ConnectPort = {
      ...fake,
      // The worker polled still answers from a config topic copy without the update.
      listConnectors: async () => (await fake.listConnectors()).map((c) => (++polls <= 3 ? { ...c, config: sink() } : c)),
    };
    const update: PlanAction = { kind: "update", name: "a", id: "id-a", config: sink("payments"), changes: [], reason: "config" };
    const report = await applyPlan(planOf([update], { a: "RUNNING" }), port, fast);
    expect(polls).toBeGreaterThan(3);
    expect(report).toMatchObject({ ok: true, updated: ["a"] });
  });

  it("ignores the name key Connect adds to every config", async () => {
    const fake = createFakeConnect();
    const port: ConnectPort = {
      ...fake,
      listConnectors: async () => (await fake.listConnectors()).map((c) => ({ ...c, config: { ...c.config, name: c.name } })),
    };
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), port, fast);
    expect(report.ok).toBe(true);
  });
});

describe("applyPlan refuses a plan with conflicts", () => {
  it("reports one failure per conflict and touches nothing, not even topics", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "b", config: sink() }] });
    const topicCalls: string[] = [];
    const topics: TopicPort = {
      listTopics: async () => (topicCalls.push("list"), []),
      createTopics: async () => void topicCalls.push("create"),
      deleteTopics: async () => void topicCalls.push("delete"),
    };
    const conflicts: Plan["conflicts"] = [
      { connector: "a", id: "id-a", code: "NAME_TAKEN", message: 'the name "a" is held by a connector with another id' },
      { connector: "b", id: "id-b", code: "VERSION_MISMATCH", message: "b is at version 3, the change was written against 2" },
    ];
    const plan = planOf([create("a"), del("b", "id-b")], { a: "RUNNING", b: "ABSENT" }, { conflicts, topicsToCreate: [{ name: "t", partitions: 1, replicationFactor: 1 }] });
    const report = await applyPlan(plan, fake, { ...fast, topics });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { name: "a", kind: "conflict", error: 'the name "a" is held by a connector with another id' },
      { name: "b", kind: "conflict", error: "b is at version 3, the change was written against 2" },
    ]);
    expect(fake.calls).toEqual([]);
    expect(topicCalls).toEqual([]);
    expect(report).toMatchObject({ added: [], removed: [], topicsCreated: [] });
  });
});

describe("applyPlan ordering and bounds", () => {
  it("runs a rename's delete before its create, whatever the plan order", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink() }] });
    const plan = planOf([create("new", "RUNNING", "id-1"), del("old", "id-1")], { new: "RUNNING", old: "ABSENT" });
    const report = await applyPlan(plan, fake, fast);
    expect(writes(fake)).toEqual([
      { method: "deleteConnector", name: "old" },
      { method: "createConnector", name: "new" },
    ]);
    expect(report).toMatchObject({ ok: true, added: ["new"], removed: ["old"] });
  });

  it("serialises actions on one name even without an id", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink() }] });
    const plan = planOf([create("a", "PAUSED", "id-new"), del("a")], { a: "PAUSED" });
    const report = await applyPlan(plan, fake, fast);
    expect(writes(fake)).toEqual([
      { method: "deleteConnector", name: "a" },
      { method: "createConnector", name: "a" },
    ]);
    expect(report.ok).toBe(true);
  });

  it("never has more calls in flight than the concurrency bound", async () => {
    const fake = createFakeConnect();
    let inFlight = 0;
    let maxInFlight = 0;
    const port: ConnectPort = {
      ...fake,
      createConnector: async (name, config, state) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        try {
          return await fake.createConnector(name, config, state);
        } finally {
          inFlight--;
        }
      },
    };
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const plan = planOf(
      names.map((n) => create(n)),
      Object.fromEntries(names.map((n) => [n, "RUNNING" as const])),
    );
    const report = await applyPlan(plan, port, { ...fast, concurrency: 3 });
    expect(report.added).toHaveLength(10);
    expect(maxInFlight).toBe(3);
  });

  it("emits start, steps, verification progress and verify-done in order", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink() }] });
    const events: ApplyEvent[] = [];
    await applyPlan(planOf([create("a"), del("old")], { a: "RUNNING", old: "ABSENT" }), fake, { ...fast, onEvent: (e) => events.push(e) });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("start");
    expect(events[0]).toEqual({ type: "start", total: 2 });
    expect(types.at(-1)).toBe("verify-done");
    expect(events.at(-1)).toEqual({ type: "verify-done", ok: true });
    const verifyStart = types.indexOf("verify-start");
    expect(types.slice(1, verifyStart).sort()).toEqual(["step-done", "step-done", "step-start", "step-start"]);
    expect(types.indexOf("step-start")).toBeLessThan(types.indexOf("step-done"));
    expect(types.slice(verifyStart + 1, -1).every((t) => t === "verify-progress")).toBe(true);
    expect(events.at(-2)).toEqual({ type: "verify-progress", ready: 2, total: 2, pending: [] });
  });

  it("ignores a throwing event listener", async () => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, {
      ...fast,
      onEvent: () => {
        throw new Error("renderer broke");
      },
    });
    expect(report.ok).toBe(true);
  });
});

describe("applyPlan topics", () => {
  const topic: TopicSpec = { name: "orders", partitions: 1, replicationFactor: 1 };

  function fakeTopics(log: string[], initial: string[] = []): TopicPort {
    const topics = new Set(initial);
    return {
      listTopics: async () => [...topics],
      createTopics: async (specs) => {
        log.push(`createTopics ${specs.map((s) => s.name).join(",")}`);
        for (const s of specs) topics.add(s.name);
      },
      deleteTopics: async (names) => {
        log.push(`deleteTopics ${names.join(",")}`);
        for (const n of names) topics.delete(n);
      },
    };
  }

  function logging(fake: FakeConnect, log: string[]): ConnectPort {
    return {
      ...fake,
      putConfig: (name, config) => (log.push(`putConfig ${name}`), fake.putConfig(name, config)),
      createConnector: (name, config, state) => (log.push(`createConnector ${name}`), fake.createConnector(name, config, state)),
      deleteConnector: (name) => (log.push(`deleteConnector ${name}`), fake.deleteConnector(name)),
    };
  }

  it("creates missing topics before connectors and deletes topics after connector deletions", async () => {
    const log: string[] = [];
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink("legacy") }] });
    const plan = planOf([create("a"), del("old")], { a: "RUNNING", old: "ABSENT" }, { topicsToCreate: [topic], topicsToDelete: ["legacy"] });
    const report = await applyPlan(plan, logging(fake, log), { ...fast, topics: fakeTopics(log, ["legacy"]) });
    expect(log[0]).toBe("createTopics orders");
    expect(log.at(-1)).toBe("deleteTopics legacy");
    expect(report).toMatchObject({ ok: true, topicsCreated: ["orders"], topicsDeleted: ["legacy"] });
  });

  it("fails without touching Connect when topics are needed but no Kafka connection is given", async () => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }, { topicsToCreate: [topic] }), fake, fast);
    expect(fake.calls).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.kind).toBe("topics");
  });

  it("keeps the topics of a connector whose deletion failed", async () => {
    const log: string[] = [];
    const fake = createFakeConnect({ connectors: [{ name: "old", config: sink("legacy") }] });
    fake.failNext("deleteConnector", new ConnectError("BAD_REQUEST", "nope", 400));
    const plan = planOf([del("old")], { old: "ABSENT" }, { topicsToDelete: ["legacy"] });
    const report = await applyPlan(plan, logging(fake, log), { ...fast, topics: fakeTopics(log, ["legacy"]) });
    expect(log).toEqual(["deleteConnector old"]);
    expect(report.topicsDeleted).toEqual([]);
    expect(report.failures.map((f) => f.kind)).toEqual(["delete", "delete-topics"]);
  });
});

describe("applyPlan abort", () => {
  it("runs nothing when aborted before it starts and says so", async () => {
    const fake = createFakeConnect();
    const report = await applyPlan(planOf([create("a")], { a: "RUNNING" }), fake, { ...fast, signal: AbortSignal.abort() });
    expect(fake.calls).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual({ name: "a", kind: "create", error: "not run: aborted" });
    expect(report.failures.map((f) => f.kind)).toContain("aborted");
  });

  it("stops pending steps and verification when aborted midway", async () => {
    const fake = createFakeConnect();
    const controller = new AbortController();
    const onEvent = (e: ApplyEvent) => {
      if (e.type === "step-done") controller.abort();
    };
    const plan = planOf([create("a"), create("b")], { a: "RUNNING", b: "RUNNING" });
    const report = await applyPlan(plan, fake, { ...fast, concurrency: 1, verifyTimeoutMs: 600_000, signal: controller.signal, onEvent });
    expect(writes(fake)).toEqual([{ method: "createConnector", name: "a" }]);
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual({ name: "b", kind: "create", error: "not run: aborted" });
  });
});

describe("applyPlan against the fake (property)", () => {
  const names = ["a", "b", "c", "d", "e"];
  const entry = fc.record({
    existing: fc.boolean(),
    desired: fc.option(fc.constantFrom<DesiredRunState>("RUNNING", "PAUSED", "STOPPED"), { nil: undefined }),
  });

  it("leaves the cluster with exactly the expected connectors in their expected states, whatever writes Connect drops", async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(...names.map(() => entry)), fc.nat(2), fc.nat(2), async (entries, flakyWrites, lostWrites) => {
        const fake = createFakeConnect({
          connectors: names.filter((_, i) => entries[i]!.existing).map((name) => ({ name, config: sink() })),
        });
        // Connect may time out yet do the work: the outcome must not change.
        for (let i = 0; i < flakyWrites; i++) fake.failNext(i % 2 === 0 ? "putConfig" : "createConnector", timeout(), { afterApplying: true });
        // ... or drop them while it has no leader: they are sent again.
        if (lostWrites > 0) fake.failNext("putConfig", leaderUnavailable(), { times: lostWrites });
        if (lostWrites > 0) fake.failNext("createConnector", leaderUnavailable(), { times: lostWrites });
        if (lostWrites > 1) fake.failNext("deleteConnector", leaderUnavailable());
        const actions: PlanAction[] = [];
        const expected: Plan["expected"] = {};
        names.forEach((name, i) => {
          const { existing, desired } = entries[i]!;
          if (existing && desired === undefined) {
            actions.push(del(name, `id-${name}`));
            expected[name] = "ABSENT";
          } else if (!existing && desired !== undefined) {
            actions.push(create(name, desired));
            expected[name] = desired;
          } else if (existing) {
            actions.push({ kind: "noop", name, id: `id-${name}`, reason: "unchanged" });
            expected[name] = "RUNNING";
          }
        });
        const report = await applyPlan(planOf(actions, expected), fake, { settleMs: 0, pollIntervalMs: 1, verifyTimeoutMs: 5_000 });
        expect(report.ok).toBe(true);
        const present = Object.entries(expected).filter(([, s]) => s !== "ABSENT");
        expect(new Map([...fake.connectors].map(([n, c]) => [n, c.state]))).toEqual(new Map(present));
      }),
      { numRuns: 40 },
    );
  });
});
