import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readMark, stampConfig } from "./managed";
import type { ConnectorSpec, DesiredRunState, DesiredSet, ObservedCluster, ObservedConnector, PlanAction, RuntimeState } from "./model";
import { DEFAULT_MANAGER, hasChanges, plan, summarizePlan } from "./plan";

function spec(name: string, over: Partial<ConnectorSpec> = {}): ConnectorSpec {
  return {
    id: `id-${name}`,
    name,
    version: 1,
    config: { "connector.class": "FileStreamSource", topic: "orders", "batch.size": "100" },
    state: "RUNNING",
    ...over,
  };
}

/**
 * What Connect would report for a connector deployed exactly as `s` by `manager` (the plan's default
 * unless given): stamped config, echoed name.
 */
function observedFor(s: ConnectorSpec, over: Partial<ObservedConnector> = {}, manager: string | null = DEFAULT_MANAGER): ObservedConnector {
  const mark = { id: s.id, ...(s.version === undefined ? {} : { version: s.version }), ...(manager === null ? {} : { manager }) };
  return {
    name: s.name,
    config: { ...stampConfig(s.config, mark), name: s.name },
    type: "source",
    state: s.state,
    tasks: tasksFor(s.state),
    ...over,
  };
}

function tasksFor(state: DesiredRunState): ObservedConnector["tasks"] {
  return state === "STOPPED" ? [] : [{ id: 0, state }];
}

function unmanaged(name: string, over: Partial<ObservedConnector> = {}): ObservedConnector {
  return {
    name,
    config: { name, "connector.class": "FileStreamSink", topics: "orders" },
    type: "sink",
    state: "RUNNING",
    tasks: [{ id: 0, state: "RUNNING" }],
    ...over,
  };
}

function desiredOf(...connectors: ConnectorSpec[]): DesiredSet {
  return { connectors };
}

function cluster(...connectors: ObservedConnector[]): ObservedCluster {
  return { connectors };
}

describe("plan", () => {
  it("creates a connector whose id is not on the cluster, stamped with its id and version", () => {
    const s = spec("orders-src", { version: 3, state: "PAUSED" });
    const p = plan(desiredOf(s), cluster());
    expect(p.actions).toEqual([
      {
        kind: "create",
        name: "orders-src",
        id: "id-orders-src",
        version: 3,
        config: { ...s.config, "switchboard.id": "id-orders-src", "switchboard.version": "3", "switchboard.managed-by": "cli/default" },
        state: "PAUSED",
        reason: "new connector",
      },
    ]);
    expect(p.expected).toEqual({ "orders-src": "PAUSED" });
    expect(hasChanges(p)).toBe(true);
  });

  it("updates only the connector whose config changed, with a key-level diff", () => {
    const a = spec("a");
    const b = spec("b");
    const c = spec("c");
    const changed = { ...b, version: 2, config: { ...b.config, "batch.size": "250" } };
    const p = plan(desiredOf(a, changed, c), cluster(observedFor(a), observedFor(b), observedFor(c)));

    const changing = p.actions.filter((x) => x.kind !== "noop");
    expect(changing).toEqual([
      {
        kind: "update",
        name: "b",
        id: "id-b",
        fromVersion: 1,
        version: 2,
        config: { ...changed.config, "switchboard.id": "id-b", "switchboard.version": "2", "switchboard.managed-by": "cli/default" },
        changes: [{ op: "change", key: "batch.size", before: "100", after: "250" }],
        reason: "1 config key changed",
      },
    ]);
    expect(p.actions.filter((x) => x.kind === "noop").map((x) => x.name)).toEqual(["a", "c"]);
  });

  it("lists added, removed and changed keys sorted by key", () => {
    const before = spec("x", { config: { b: "1", d: "4", "connector.class": "C" } });
    const after = { ...before, config: { a: "new", b: "2", "connector.class": "C" } };
    const p = plan(desiredOf(after), cluster(observedFor(before)));
    expect(p.actions[0]).toMatchObject({
      kind: "update",
      changes: [
        { op: "add", key: "a", after: "new" },
        { op: "change", key: "b", before: "1", after: "2" },
        { op: "remove", key: "d", before: "4" },
      ],
    });
  });

  it("carries no values for secret keys, including PASSWORD keys from the validator", () => {
    const before = spec("db", { config: { "connection.password": "old-pw", "irc.auth": "old-auth", user: "u" } });
    const after = { ...before, config: { "connection.password": "new-pw", "irc.auth": "new-auth", user: "u" } };
    const p = plan(desiredOf(after), cluster(observedFor(before)), { secretKeys: { db: ["irc.auth"] } });
    const update = p.actions[0];
    expect(update?.kind === "update" && update.changes).toEqual([
      { op: "change", key: "connection.password", sensitive: true },
      { op: "change", key: "irc.auth", sensitive: true },
    ]);
    expect(JSON.stringify(update && "changes" in update ? update.changes : null)).not.toMatch(/old-|new-/);
  });

  it("shows config provider references of secret keys as they are", () => {
    const before = spec("db", { config: { "connection.password": "${file:/a.properties:pw}" } });
    const after = { ...before, config: { "connection.password": "${file:/b.properties:pw}" } };
    const p = plan(desiredOf(after), cluster(observedFor(before)));
    expect(p.actions[0]).toMatchObject({
      changes: [
        { op: "change", key: "connection.password", before: "${file:/a.properties:pw}", after: "${file:/b.properties:pw}" },
      ],
    });
  });

  it("deletes a managed connector that was removed from the definitions, without needing prune", () => {
    const gone = spec("gone");
    const p = plan(desiredOf(), cluster(observedFor(gone)));
    expect(p.actions).toEqual([{ kind: "delete", name: "gone", id: "id-gone", managed: true, reason: "removed from the definitions" }]);
    expect(p.expected).toEqual({ gone: "ABSENT" });
    expect(p.unmanaged).toEqual([]);
  });

  it.each<[DesiredRunState, RuntimeState, string | undefined]>([
    ["PAUSED", "RUNNING", "pause"],
    ["PAUSED", "FAILED", "pause"],
    ["PAUSED", "PAUSED", undefined],
    ["RUNNING", "PAUSED", "resume"],
    ["RUNNING", "STOPPED", "resume"],
    ["RUNNING", "RUNNING", undefined],
    ["STOPPED", "RUNNING", "stop"],
    ["STOPPED", "PAUSED", "stop"],
    ["STOPPED", "STOPPED", undefined],
    ["RUNNING", "UNASSIGNED", undefined],
    ["RUNNING", "RESTARTING", undefined],
  ])("wanted %s, observed %s: plans %s", (wanted, observedState, kind) => {
    const s = spec("c", { state: wanted });
    const p = plan(desiredOf(s), cluster(observedFor(s, { state: observedState, tasks: [] })));
    if (kind === undefined) {
      expect(p.actions).toEqual([{ kind: "noop", name: "c", id: "id-c", reason: "unchanged" }]);
    } else {
      expect(p.actions).toEqual([expect.objectContaining({ kind, name: "c", id: "id-c" })]);
    }
    expect(p.expected).toEqual({ c: wanted });
  });

  it("restarts a connector that should run but is FAILED, failed tasks included", () => {
    const s = spec("c");
    const p = plan(desiredOf(s), cluster(observedFor(s, { state: "FAILED" })));
    expect(p.actions).toEqual([{ kind: "restart", name: "c", id: "id-c", onlyFailed: true, reason: "connector FAILED" }]);
  });

  it("restarts only the failed tasks of a running connector", () => {
    const s = spec("c");
    const tasks = [
      { id: 0, state: "RUNNING" as const },
      { id: 1, state: "FAILED" as const, trace: "boom" },
    ];
    const p = plan(desiredOf(s), cluster(observedFor(s, { tasks })));
    expect(p.actions).toEqual([{ kind: "restart", name: "c", id: "id-c", onlyFailed: true, reason: "1 task FAILED" }]);
    expect(summarizePlan(p).restart).toBe(1);
  });

  it("updates first and then pauses a connector whose config and state both changed", () => {
    const s = spec("c");
    const wanted = { ...s, state: "PAUSED" as const, config: { ...s.config, "batch.size": "5" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(s)));
    expect(p.actions.map((a) => a.kind)).toEqual(["update", "pause"]);
  });

  it("skips a connector whose desired version is older than the deployed one, with a warning", () => {
    const deployed = spec("c", { version: 5 });
    const older = { ...deployed, version: 4, config: { ...deployed.config, "batch.size": "1" }, state: "PAUSED" as const };
    const p = plan(desiredOf(older), cluster(observedFor(deployed)));
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: "skip", name: "c", id: "id-c", version: 4, deployedVersion: 5 }),
    ]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "c", code: "SKIPPED_OLDER_VERSION" })]);
    expect(p.expected).toEqual({});
    expect(hasChanges(p)).toBe(false);
  });

  it("does not skip when either version is unknown", () => {
    const deployed = spec("c", { version: undefined });
    const wanted = { ...deployed, version: 1, config: { ...deployed.config, "batch.size": "1" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(deployed)));
    expect(p.actions.map((a) => a.kind)).toEqual(["update"]);
  });

  it("turns a rename into delete + create, with a warning about offsets", () => {
    const old = spec("orders-old", { id: "orders" });
    const renamed = { ...old, name: "orders-new", version: 2 };
    const p = plan(desiredOf(renamed), cluster(observedFor(old)));
    expect(p.actions).toEqual([
      { kind: "delete", name: "orders-old", id: "orders", managed: true, reason: "renamed to orders-new" },
      expect.objectContaining({ kind: "create", name: "orders-new", id: "orders", version: 2, state: "RUNNING" }),
    ]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "orders-new", code: "RENAME" })]);
    expect(p.warnings[0]?.message).toMatch(/offsets/);
    expect(p.expected).toEqual({ "orders-old": "ABSENT", "orders-new": "RUNNING" });
  });

  it("expects the desired state of a name freed by a rename and reused by another definition", () => {
    const first = spec("a", { id: "one" });
    const p = plan(desiredOf({ ...first, name: "b" }, spec("a", { id: "two" })), cluster(observedFor(first)));
    expect(p.actions.map((a) => `${a.kind}:${a.name}`)).toEqual(["delete:a", "create:a", "create:b"]);
    expect(p.expected).toEqual({ a: "RUNNING", b: "RUNNING" });
  });

  it("replaces a managed connector whose name is taken over by a definition with another id", () => {
    const p = plan(desiredOf(spec("a", { id: "two" })), cluster(observedFor(spec("a", { id: "one" }))));
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: "delete", name: "a", id: "one", managed: true }),
      expect.objectContaining({ kind: "create", name: "a", id: "two" }),
    ]);
    expect(p.expected).toEqual({ a: "RUNNING" });
  });

  it("reports unmanaged connectors and leaves them alone", () => {
    const p = plan(desiredOf(), cluster(unmanaged("zeta"), unmanaged("alpha")));
    expect(p.actions).toEqual([]);
    expect(p.unmanaged).toEqual(["alpha", "zeta"]);
    expect(hasChanges(p)).toBe(false);
  });

  it("deletes unmanaged connectors when pruning", () => {
    const p = plan(desiredOf(), cluster(unmanaged("legacy")), { prune: true });
    expect(p.actions).toEqual([expect.objectContaining({ kind: "delete", name: "legacy", managed: false })]);
    expect(p.unmanaged).toEqual([]);
    expect(p.expected).toEqual({ legacy: "ABSENT" });
  });

  it("treats a version bump with an unchanged config as metadata only, touching nothing", () => {
    const s = spec("c", { version: 1 });
    const p = plan(desiredOf({ ...s, version: 2 }), cluster(observedFor(s)));
    expect(p.actions).toEqual([{ kind: "noop", name: "c", id: "id-c", reason: "metadata only" }]);
    expect(hasChanges(p)).toBe(false);
  });

  it("ignores the name Connect echoes inside the config", () => {
    const s = spec("c");
    const observed = observedFor(s);
    expect(observed.config?.name).toBe("c");
    expect(plan(desiredOf(s), cluster(observed)).actions.map((a) => a.kind)).toEqual(["noop"]);
  });

  it("warns when the topics of a sink change", () => {
    const sink = spec("s", { config: { "connector.class": "FileStreamSink", topics: "a" } });
    const wanted = { ...sink, config: { "connector.class": "FileStreamSink", "topics.regex": "a.*" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(sink, { type: "sink" })));
    expect(p.warnings.map((w) => w.code)).toEqual(["SINK_TOPICS_CHANGED"]);
  });

  it("does not warn about a source's topic setting", () => {
    const src = spec("s");
    const wanted = { ...src, config: { ...src.config, topic: "other" } };
    expect(plan(desiredOf(wanted), cluster(observedFor(src))).warnings).toEqual([]);
  });

  it("warns when the connector class changes", () => {
    const s = spec("c");
    const wanted = { ...s, config: { ...s.config, "connector.class": "Other" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(s)));
    expect(p.warnings).toEqual([expect.objectContaining({ code: "CONNECTOR_CLASS_CHANGED" })]);
    expect(p.warnings[0]?.message).toMatch(/FileStreamSource.*Other/);
  });

  it("creates the missing topics of desired connectors once each, sorted by name", () => {
    const a = spec("a", { topics: [{ name: "t2", partitions: 3, replicationFactor: 1 }, { name: "t1", partitions: 1, replicationFactor: 1 }] });
    const b = spec("b", { topics: [{ name: "t2", partitions: 3, replicationFactor: 1 }, { name: "exists", partitions: 1, replicationFactor: 1 }] });
    const p = plan(desiredOf(b, a), { connectors: [observedFor(b)], topics: ["exists"] });
    expect(p.topicsToCreate.map((t) => t.name)).toEqual(["t1", "t2"]);
    expect(p.topicsToDelete).toEqual([]);
    expect(hasChanges(p)).toBe(true);
  });

  it("plans no topic actions when the cluster's topics are unknown", () => {
    const a = spec("a", { topics: [{ name: "t1", partitions: 1, replicationFactor: 1 }] });
    expect(plan(desiredOf(a), cluster()).topicsToCreate).toEqual([]);
  });

  it("plans nothing for a desired name whose connector Connect returned no config for, and warns", () => {
    const s = spec("c");
    const p = plan(desiredOf(s), cluster({ ...unmanaged("c"), config: null }));
    expect(p.actions).toEqual([]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "c", code: "UNMANAGED" })]);
    expect(p.unmanaged).toEqual([]);
  });

  it("treats a connector without config as unmanaged when no definition has its name", () => {
    const p = plan(desiredOf(), cluster({ ...unmanaged("x"), config: null }));
    expect(p.actions).toEqual([]);
    expect(p.unmanaged).toEqual(["x"]);
  });

  it("orders deletes, creates, updates, state actions, then noops, each by name", () => {
    const keep = spec("keep");
    const upd = spec("upd");
    const pau = spec("pau");
    const p = plan(
      desiredOf(spec("new-b"), spec("new-a"), { ...upd, config: { ...upd.config, x: "1" } }, keep, { ...pau, state: "PAUSED" }),
      cluster(observedFor(keep), observedFor(upd), observedFor(pau), observedFor(spec("old-z")), observedFor(spec("old-y"))),
    );
    expect(p.actions.map((a) => `${a.kind}:${a.name}`)).toEqual([
      "delete:old-y",
      "delete:old-z",
      "create:new-a",
      "create:new-b",
      "update:upd",
      "pause:pau",
      "noop:keep",
    ]);
  });

  it("does not mutate its inputs", () => {
    const desired = desiredOf(spec("a", { topics: [{ name: "t", partitions: 1, replicationFactor: 1, config: { x: "1" } }] }), spec("b"));
    const observed: ObservedCluster = { connectors: [observedFor(spec("b", { version: 0 })), unmanaged("u")], topics: [] };
    const before = structuredClone({ desired, observed });
    const p = plan(desired, observed, { prune: true });
    expect({ desired, observed }).toEqual(before);
    p.topicsToCreate[0]!.config!.x = "2";
    expect(desired.connectors[0]?.topics?.[0]?.config?.x).toBe("1");
  });
});

/** A connector deployed by the web app of cluster c1 (or another manager). */
function managedBy(manager: string, s: ConnectorSpec, over: Partial<ObservedConnector> = {}): ObservedConnector {
  return observedFor(s, over, manager);
}

/** What the original toolchain (seed 000) left on a cluster: its id and version inside the config. */
function oldToolchain(s: ConnectorSpec, version: number): ObservedConnector {
  return { ...observedFor(s, {}, null), config: { ...s.config, id: s.id, version: String(version), name: s.name } };
}

const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => `${a.kind}:${a.name}`);

describe("plan: managers", () => {
  it("stamps every create and update with the plan's manager, or each spec's own when given a function", () => {
    const a = spec("a");
    const b = spec("b", { namespace: "billing" });
    const changedA = { ...a, config: { ...a.config, "batch.size": "7" } };
    const fixed = plan(desiredOf(changedA, b), cluster(observedFor(a, {}, "cli/team")), { manager: "cli/team" });
    expect(fixed.actions.filter((x) => x.kind === "create" || x.kind === "update").map((x) => "config" in x && x.config["switchboard.managed-by"])).toEqual([
      "cli/team",
      "cli/team",
    ]);

    const perSpec = plan(desiredOf(a, b), cluster(), { manager: (s) => `cli/${s.namespace ?? "default"}` });
    expect(perSpec.actions.map((x) => "config" in x && x.config["switchboard.managed-by"])).toEqual(["cli/default", "cli/billing"]);
  });

  it("never deletes or changes the connectors of another manager: two managers side by side", () => {
    const cliOne = spec("cli-one");
    const webOne = spec("web-one");
    const observed = cluster(observedFor(cliOne), managedBy("web/c1", webOne));

    const fromCli = plan(desiredOf(), observed);
    expect(kinds(fromCli)).toEqual(["delete:cli-one"]);
    expect(fromCli.managedElsewhere).toEqual([{ name: "web-one", id: "id-web-one", manager: "web/c1" }]);

    const fromWeb = plan(desiredOf(), observed, { manager: "web/c1" });
    expect(kinds(fromWeb)).toEqual(["delete:web-one"]);
    expect(fromWeb.managedElsewhere).toEqual([{ name: "cli-one", id: "id-cli-one", manager: "cli/default" }]);
    expect(fromWeb.conflicts).toEqual([]);
  });

  it("leaves a web-stamped connector alone when a CLI file lacks it, even when pruning, and lists it as managed elsewhere", () => {
    const web = spec("orders-sink");
    const p = plan(desiredOf(spec("mine")), cluster(managedBy("web/c1", web)), { prune: true });
    expect(kinds(p)).toEqual(["create:mine"]);
    expect(p.managedElsewhere).toEqual([{ name: "orders-sink", id: "id-orders-sink", manager: "web/c1" }]);
    expect(p.unmanaged).toEqual([]);
    expect(p.expected).toEqual({ mine: "RUNNING" });
  });

  it("reports a desired connector managed elsewhere as a MANAGED_ELSEWHERE conflict and plans nothing for it", () => {
    const s = spec("orders-sink");
    const wanted = { ...s, config: { ...s.config, "batch.size": "9" }, state: "PAUSED" as const };
    const p = plan(desiredOf(wanted), cluster(managedBy("web/c1", s)));
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([
      {
        connector: "orders-sink",
        id: "id-orders-sink",
        code: "MANAGED_ELSEWHERE",
        message: expect.stringMatching(/managed by web\/c1, not by cli\/default/),
        heldBy: { name: "orders-sink", id: "id-orders-sink", manager: "web/c1" },
      },
    ]);
    expect(p.managedElsewhere).toEqual([{ name: "orders-sink", id: "id-orders-sink", manager: "web/c1" }]);
    expect(p.expected).toEqual({});
  });

  it.each<[string, boolean | string[]]>([
    ["for all", true],
    ["by id", ["id-orders-sink"]],
  ])("takes over a connector managed elsewhere when allowed %s: an update re-stamping it, with a TAKE_OVER warning", (_, takeOver) => {
    const s = spec("orders-sink");
    const p = plan(desiredOf(s), cluster(managedBy("web/c1", s)), { takeOver });
    expect(p.conflicts).toEqual([]);
    expect(p.actions).toEqual([
      expect.objectContaining({
        kind: "update",
        name: "orders-sink",
        changes: [],
        reason: "take over from web/c1",
        config: expect.objectContaining({ "switchboard.managed-by": "cli/default", "switchboard.id": "id-orders-sink" }),
      }),
    ]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "orders-sink", code: "TAKE_OVER", message: expect.stringMatching(/web\/c1/) })]);
    expect(p.managedElsewhere).toEqual([]);
  });

  it("does not take over a connector whose id is not among the ids allowed", () => {
    const s = spec("orders-sink");
    const p = plan(desiredOf(s), cluster(managedBy("web/c1", s)), { takeOver: ["id-other"] });
    expect(p.conflicts.map((c) => c.code)).toEqual(["MANAGED_ELSEWHERE"]);
  });

  it("matches a connector stamped before managers existed by id and re-stamps it; leaves it alone when no spec has its id", () => {
    const kept = spec("kept");
    const old = spec("old");
    const p = plan(desiredOf(kept), cluster(observedFor(kept, {}, null), observedFor(old, {}, null)), { prune: true });
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: "update", name: "kept", changes: [], reason: "stamp as managed by cli/default", config: expect.objectContaining({ "switchboard.managed-by": "cli/default" }) }),
    ]);
    expect(p.managedElsewhere).toEqual([{ name: "old", id: "id-old" }]);
    expect(p.unmanaged).toEqual([]);
  });

  it("with a manager per spec, owns the connectors of every manager it stamps, and no others", () => {
    const a = spec("a", { namespace: "one" });
    const gone = spec("gone");
    const other = spec("other");
    const p = plan(desiredOf(a), cluster(observedFor(a, {}, "cli/one"), observedFor(gone, {}, "cli/one"), observedFor(other, {}, "cli/two")), {
      manager: (s) => `cli/${s.namespace ?? "default"}`,
    });
    expect(kinds(p)).toEqual(["delete:gone", "noop:a"]);
    expect(p.managedElsewhere).toEqual([{ name: "other", id: "id-other", manager: "cli/two" }]);
  });

  it("re-stamps a connector of its own with the spec's manager when the two differ", () => {
    const a = spec("a", { namespace: "one" });
    const b = spec("b", { namespace: "two" });
    const p = plan(desiredOf(a, b), cluster(observedFor(a, {}, "cli/two"), observedFor(b, {}, "cli/two")), {
      manager: (s) => `cli/${s.namespace ?? "default"}`,
    });
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: "update", name: "a", reason: "re-stamp as managed by cli/one (was cli/two)" }),
      expect.objectContaining({ kind: "noop", name: "b" }),
    ]);
  });
});

describe("plan: names", () => {
  it.each<[string, string | null]>([
    ["another manager", "web/c1"],
    ["this manager, but kept by a skipped definition", "cli/default"],
    ["no manager", null],
  ])("refuses to create over a connector stamped with another id (%s): NAME_TAKEN naming the holder", (_, manager) => {
    const holder = spec("orders", { id: "someone-elses", version: 5 });
    const wanted = spec("orders", { id: "mine" });
    // A definition of the holder that is skipped (older) keeps it at its name.
    const keepHolder = manager === "cli/default" ? [{ ...holder, name: "orders-renamed", version: 4 }] : [];
    const p = plan(desiredOf(wanted, ...keepHolder), cluster(observedFor(holder, {}, manager)), { takeOver: true });
    expect(p.actions.filter((a) => a.kind !== "skip")).toEqual([]);
    expect(p.conflicts).toEqual([
      {
        connector: "orders",
        id: "mine",
        code: "NAME_TAKEN",
        message: expect.stringMatching(/held by a connector with id someone-elses/),
        heldBy: { name: "orders", id: "someone-elses", ...(manager === null ? {} : { manager }) },
      },
    ]);
    expect(p.expected).toEqual({});
  });

  it("creates at a name freed in the same plan: the holder renamed away or deleted", () => {
    const first = spec("a", { id: "one" });
    const swapped = plan(desiredOf({ ...first, name: "b" }, spec("a", { id: "two" })), cluster(observedFor(first)));
    expect(swapped.conflicts).toEqual([]);
    expect(kinds(swapped)).toEqual(["delete:a", "create:a", "create:b"]);

    const replaced = plan(desiredOf(spec("a", { id: "two" })), cluster(observedFor(first)));
    expect(replaced.conflicts).toEqual([]);
    expect(kinds(replaced)).toEqual(["delete:a", "create:a"]);
  });

  it("does not free a name whose holder's own rename is refused, and says so for each definition", () => {
    const a = spec("a", { id: "one" });
    const web = spec("b", { id: "web-b" });
    // "one" wants to move from a to b (held by the web app); "two" wants the name a, which therefore stays taken.
    const p = plan(desiredOf({ ...a, name: "b" }, spec("a", { id: "two" })), cluster(observedFor(a), managedBy("web/c1", web)));
    expect(p.actions).toEqual([]);
    expect(p.conflicts.map((c) => `${c.code} ${c.connector} held by ${c.heldBy?.id}`)).toEqual(["NAME_TAKEN a held by one", "NAME_TAKEN b held by web-b"]);
  });

  it("reports an unmanaged connector at a desired name as NAME_TAKEN, also when pruning", () => {
    const s = spec("legacy");
    for (const prune of [false, true]) {
      const p = plan(desiredOf(s), cluster(unmanaged("legacy")), { prune });
      expect(p.actions).toEqual([]);
      expect(p.conflicts).toEqual([
        {
          connector: "legacy",
          id: "id-legacy",
          code: "NAME_TAKEN",
          message: expect.stringMatching(/does not manage/),
          heldBy: { name: "legacy" },
        },
      ]);
      expect(p.unmanaged).toEqual(["legacy"]);
    }
  });

  it("takes over an unmanaged connector at a desired name when allowed, with a TAKE_OVER warning", () => {
    const s = spec("legacy", { config: { "connector.class": "FileStreamSink", topics: "orders", file: "/tmp/x" } });
    const p = plan(desiredOf(s), cluster(unmanaged("legacy", { state: "PAUSED" })), { prune: true, takeOver: ["id-legacy"] });
    expect(p.conflicts).toEqual([]);
    expect(p.actions).toEqual([
      {
        kind: "update",
        name: "legacy",
        id: "id-legacy",
        version: 1,
        config: { ...s.config, "switchboard.id": "id-legacy", "switchboard.version": "1", "switchboard.managed-by": "cli/default" },
        changes: [{ op: "add", key: "file", after: "/tmp/x" }],
        reason: "adopt unmanaged connector; 1 config key changed",
      },
      expect.objectContaining({ kind: "resume", name: "legacy" }),
    ]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "legacy", code: "TAKE_OVER" })]);
    expect(p.unmanaged).toEqual([]);
  });

  it("still prunes unmanaged connectors that are not at a desired name", () => {
    const p = plan(desiredOf(spec("a")), cluster(unmanaged("stray")), { prune: true });
    expect(kinds(p)).toEqual(["delete:stray", "create:a"]);
    expect(p.conflicts).toEqual([]);
  });
});

describe("plan: compare-and-set", () => {
  const live = spec("c", { version: 7 });

  it("reports VERSION_MISMATCH when the live version is neither the expected nor the desired one", () => {
    const wanted = { ...live, version: 6, expectedVersion: 5, config: { ...live.config, "batch.size": "1" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(live)));
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([
      expect.objectContaining({ connector: "c", id: "id-c", code: "VERSION_MISMATCH", message: expect.stringMatching(/version 7 .*version 5/) }),
    ]);
  });

  it("applies when the live version is the expected one", () => {
    const wanted = { ...live, version: 8, expectedVersion: 7, config: { ...live.config, "batch.size": "1" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(live)));
    expect(p.conflicts).toEqual([]);
    expect(kinds(p)).toEqual(["update:c"]);
  });

  it("passes a re-run after a partial apply: the live connector already carries the desired version", () => {
    const wanted = { ...live, version: 7, expectedVersion: 6 };
    const p = plan(desiredOf(wanted), cluster(observedFor(live)));
    expect(p.conflicts).toEqual([]);
    expect(hasChanges(p)).toBe(false);
  });

  it("passes an older live stamp: a run-state change bumped the version without rewriting the config", () => {
    // Paused through Switchboard at version 8 (stamp left at 7), now updated against version 8.
    const wanted = { ...live, version: 9, expectedVersion: 8, config: { ...live.config, "batch.size": "1" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(live)));
    expect(p.conflicts).toEqual([]);
    expect(kinds(p)).toEqual(["update:c"]);
  });

  it("forces a drifted connector back (revert): a newer live stamp is neither a conflict nor a skip, and is rewritten", () => {
    const wanted = { ...live, version: 4, expectedVersion: 3 };
    expect(plan(desiredOf(wanted), cluster(observedFor(live))).conflicts).toEqual([expect.objectContaining({ code: "VERSION_MISMATCH" })]);
    const p = plan(desiredOf(wanted), cluster(observedFor(live)), { force: ["id-c"] });
    expect(p.conflicts).toEqual([]);
    expect(kinds(p)).toEqual(["update:c"]);
    const update = p.actions[0] as Extract<PlanAction, { kind: "update" }>;
    expect(update.config["switchboard.version"]).toBe("4");
    expect(update.reason).toMatch(/restore the version stamp 4 \(live: 7\)/);
  });

  it("does not rewrite an older live stamp when forced with an unchanged config", () => {
    const p = plan(desiredOf({ ...live, version: 9 }), cluster(observedFor(live)), { force: ["id-c"] });
    expect(hasChanges(p)).toBe(false);
  });

  it("passes when the live connector carries no version stamp", () => {
    const unversioned = spec("c", { version: undefined });
    const wanted = { ...unversioned, version: 2, expectedVersion: 1, config: { ...unversioned.config, x: "1" } };
    const p = plan(desiredOf(wanted), cluster(observedFor(unversioned)));
    expect(p.conflicts).toEqual([]);
    expect(kinds(p)).toEqual(["update:c"]);
  });
});

describe("plan: the old toolchain's connectors (seed 000)", () => {
  it("reads id and version inside the config as a stamp without a manager", () => {
    const s = spec("c");
    expect(readMark(oldToolchain(s, 5).config)).toEqual({ id: "id-c", version: 5, legacy: true });
    expect(readMark({ ...s.config, id: "x", version: "v5" })).toBeNull();
    expect(readMark({ ...s.config, id: "x" })).toBeNull();
  });

  it("skips a desired version older than the deployed one, with a warning, instead of overwriting it", () => {
    const s = spec("c");
    const p = plan(desiredOf({ ...s, version: 4, config: { ...s.config, "batch.size": "1" } }), cluster(oldToolchain(s, 5)));
    expect(p.actions).toEqual([expect.objectContaining({ kind: "skip", name: "c", version: 4, deployedVersion: 5 })]);
    expect(p.warnings).toEqual([expect.objectContaining({ connector: "c", code: "SKIPPED_OLDER_VERSION" })]);
    expect(p.conflicts).toEqual([]);
  });

  it("updates to a newer version, its id and version keys replaced by the stamps and not listed as changes", () => {
    const s = spec("c");
    const p = plan(desiredOf({ ...s, version: 6, config: { ...s.config, "batch.size": "1" } }), cluster(oldToolchain(s, 5)));
    const update = p.actions[0];
    expect(update).toMatchObject({ kind: "update", fromVersion: 5, version: 6, changes: [{ op: "change", key: "batch.size", before: "100", after: "1" }] });
    expect(update?.kind === "update" && update.config).toEqual({
      ...s.config,
      "batch.size": "1",
      "switchboard.id": "id-c",
      "switchboard.version": "6",
      "switchboard.managed-by": "cli/default",
    });
  });

  it("leaves an old-toolchain connector no definition has alone, listed as managed elsewhere without a manager", () => {
    const p = plan(desiredOf(), cluster(oldToolchain(spec("c"), 5)), { prune: true });
    expect(p.actions).toEqual([]);
    expect(p.managedElsewhere).toEqual([{ name: "c", id: "id-c" }]);
  });
});

describe("plan: scope", () => {
  it("looks only at connectors stamped with a scoped id or at a scoped name", () => {
    const touched = spec("touched");
    const p = plan(
      desiredOf({ ...touched, config: { ...touched.config, x: "1" } }),
      cluster(observedFor(touched, {}, "web/c1"), observedFor(spec("other-mine"), {}, "web/c1"), managedBy("cli/default", spec("cli-one")), unmanaged("stray")),
      { manager: "web/c1", prune: true, scope: { ids: ["id-touched"], names: ["touched"] } },
    );
    expect(kinds(p)).toEqual(["update:touched"]);
    expect(p.unmanaged).toEqual([]);
    expect(p.managedElsewhere).toEqual([]);
  });

  it("deletes a scoped id no spec carries when it is its own or has no manager", () => {
    const p = plan(desiredOf(), cluster(observedFor(spec("mine"), {}, "web/c1"), observedFor(spec("pre"), {}, null)), {
      manager: "web/c1",
      scope: { ids: ["id-mine", "id-pre"], names: [] },
    });
    expect(kinds(p)).toEqual(["delete:mine", "delete:pre"]);
    expect(p.expected).toEqual({ mine: "ABSENT", pre: "ABSENT" });
  });

  it("reports a scoped deletion of a connector managed elsewhere as MANAGED_ELSEWHERE", () => {
    const p = plan(desiredOf(), cluster(managedBy("cli/default", spec("theirs"))), { manager: "web/c1", scope: { ids: ["id-theirs"], names: [] } });
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([expect.objectContaining({ connector: "theirs", id: "id-theirs", code: "MANAGED_ELSEWHERE" })]);
  });

  it("never deletes another connector of the same manager that holds a name the scope creates: it is a name clash", () => {
    // Another team's connector in the web app carries the same manager stamp; only ids tell them apart.
    const p = plan(desiredOf(spec("shared", { id: "analytics-new" })), cluster(observedFor(spec("shared", { id: "payments-live" }), {}, "web/c1")), {
      manager: "web/c1",
      prune: true,
      scope: { ids: ["analytics-new"], names: ["shared"] },
    });
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([expect.objectContaining({ code: "NAME_TAKEN", heldBy: { name: "shared", id: "payments-live", manager: "web/c1" } })]);
    expect(p.managedElsewhere).toEqual([]);
  });

  it("sees a connector holding a desired name even when the scope forgot the name", () => {
    const p = plan(desiredOf(spec("orders", { id: "new" })), cluster(managedBy("cli/default", spec("orders", { id: "old" }))), {
      manager: "web/c1",
      scope: { ids: ["new"], names: [] },
    });
    expect(p.actions).toEqual([]);
    expect(p.conflicts).toEqual([expect.objectContaining({ code: "NAME_TAKEN", heldBy: { name: "orders", id: "old", manager: "cli/default" } })]);
  });
});

describe("plan: requested restarts", () => {
  it("adds them after the other state actions, replacing the planner's own restart or noop", () => {
    const failing = spec("failing");
    const quiet = spec("quiet");
    const paused = spec("paused");
    const p = plan(
      desiredOf(failing, quiet, { ...paused, state: "PAUSED" }),
      cluster(observedFor(failing, { state: "FAILED" }), observedFor(quiet), observedFor(paused)),
      {
        restarts: [
          { id: "id-quiet", name: "quiet", onlyFailed: false },
          { id: "id-failing", name: "failing", onlyFailed: false },
        ],
      },
    );
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: "pause", name: "paused" }),
      { kind: "restart", name: "failing", id: "id-failing", onlyFailed: false, reason: "restart requested" },
      { kind: "restart", name: "quiet", id: "id-quiet", onlyFailed: false, reason: "restart requested" },
    ]);
    expect(summarizePlan(p).restart).toBe(2);
  });

  it("does not restart a connector the plan creates or deletes", () => {
    const p = plan(desiredOf(spec("new")), cluster(observedFor(spec("gone"))), {
      restarts: [
        { id: "id-new", name: "new", onlyFailed: true },
        { id: "id-gone", name: "gone", onlyFailed: true },
      ],
    });
    expect(kinds(p)).toEqual(["delete:gone", "create:new"]);
  });
});

describe("summarizePlan", () => {
  it("counts each kind of action, unchanged and unmanaged connectors", () => {
    const keep = spec("keep");
    const upd = spec("upd");
    const p = plan(
      desiredOf(spec("new"), keep, { ...upd, state: "PAUSED", config: { ...upd.config, x: "1" } }, spec("old", { version: 0 })),
      cluster(observedFor(keep), observedFor(upd), observedFor(spec("old")), observedFor(spec("gone")), unmanaged("u")),
    );
    expect(summarizePlan(p)).toEqual({
      create: 1,
      update: 1,
      delete: 1,
      pause: 1,
      resume: 0,
      stop: 0,
      restart: 0,
      skip: 1,
      unchanged: 1,
      unmanaged: 1,
    });
  });
});

const STATES: DesiredRunState[] = ["RUNNING", "PAUSED", "STOPPED"];
const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);
const configArb = fc.dictionary(fc.stringMatching(/^[a-z]{1,5}(\.[a-z]{1,5}){0,2}$/), fc.string({ maxLength: 8 }), {
  maxKeys: 5,
});
const topicArb = fc.record({
  name: nameArb,
  partitions: fc.integer({ min: 1, max: 6 }),
  replicationFactor: fc.integer({ min: 1, max: 3 }),
});
const specArb = fc.record(
  {
    id: nameArb,
    name: nameArb,
    version: fc.option(fc.nat({ max: 9 }), { nil: undefined }),
    config: configArb,
    state: fc.constantFrom(...STATES),
    topics: fc.array(topicArb, { maxLength: 2 }),
  },
  { requiredKeys: ["id", "name", "config", "state"] },
);
const desiredArb = fc
  .uniqueArray(specArb, { selector: (s) => s.name, maxLength: 8 })
  .filter((specs) => new Set(specs.map((s) => s.id)).size === specs.length)
  .map((specs): DesiredSet => ({ connectors: specs }));

const MANAGERS = [DEFAULT_MANAGER, "cli/other", "web/c1"];

/** Any cluster, with some connectors stamped with ids of the desired set (by any manager, or none). */
function observedArb(desired: DesiredSet): fc.Arbitrary<ObservedCluster> {
  const ids = desired.connectors.map((s) => s.id);
  const connectorArb = fc
    .record({
      name: fc.oneof(nameArb, ...(desired.connectors.length > 0 ? [fc.constantFrom(...desired.connectors.map((s) => s.name))] : [])),
      config: fc.option(configArb, { nil: null }),
      id: ids.length > 0 ? fc.option(fc.constantFrom(...ids), { nil: undefined }) : fc.constant(undefined),
      version: fc.option(fc.nat({ max: 9 }), { nil: undefined }),
      manager: fc.option(fc.constantFrom(...MANAGERS), { nil: undefined }),
      type: fc.constantFrom("source" as const, "sink" as const),
      state: fc.constantFrom<RuntimeState>("RUNNING", "PAUSED", "STOPPED", "FAILED", "UNASSIGNED"),
      taskStates: fc.array(fc.constantFrom<RuntimeState>("RUNNING", "FAILED", "PAUSED"), { maxLength: 2 }),
    })
    .map(({ name, config, id, version, manager, type, state, taskStates }): ObservedConnector => ({
      name,
      config:
        config && id !== undefined
          ? stampConfig(config, { id, ...(version === undefined ? {} : { version }), ...(manager === undefined ? {} : { manager }) })
          : config,
      type,
      state,
      tasks: taskStates.map((s, i) => ({ id: i, state: s })),
    }));
  return fc.record({
    connectors: fc.uniqueArray(connectorArb, { selector: (c) => c.name, maxLength: 8 }),
    topics: fc.option(fc.array(nameArb, { maxLength: 4 }), { nil: undefined }),
  });
}

function exactCluster(desired: DesiredSet): ObservedCluster {
  return {
    connectors: desired.connectors.map((s) => observedFor(s)),
    topics: desired.connectors.flatMap((s) => (s.topics ?? []).map((t) => t.name)),
  };
}

function shuffled<T>(items: T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
}

describe("plan properties", () => {
  it("plans no changes when the cluster already matches the definitions", () => {
    fc.assert(
      fc.property(desiredArb, fc.boolean(), (desired, prune) => {
        const p = plan(desired, exactCluster(desired), { prune });
        expect(hasChanges(p)).toBe(false);
        expect(p.actions.every((a) => a.kind === "noop")).toBe(true);
        expect(p.warnings).toEqual([]);
      }),
    );
  });

  it("plans the same whatever the order of its inputs", () => {
    const scenario = desiredArb.chain((desired) =>
      observedArb(desired).chain((observed) =>
        fc.record({
          desired: fc.constant(desired),
          observed: fc.constant(observed),
          desiredShuffled: shuffled(desired.connectors),
          observedShuffled: shuffled(observed.connectors),
          prune: fc.boolean(),
        }),
      ),
    );
    fc.assert(
      fc.property(scenario, ({ desired, observed, desiredShuffled, observedShuffled, prune }) => {
        const a = plan(desired, observed, { prune });
        const b = plan({ connectors: desiredShuffled }, { ...observed, connectors: observedShuffled }, { prune });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
    );
  });

  it("never touches a connector stamped by another manager, without take-over", () => {
    const scenario = desiredArb.chain((desired) =>
      observedArb(desired).chain((observed) =>
        fc.record({ desired: fc.constant(desired), observed: fc.constant(observed), manager: fc.constantFrom(...MANAGERS), prune: fc.boolean() }),
      ),
    );
    fc.assert(
      fc.property(scenario, ({ desired, observed, manager, prune }) => {
        const p = plan(desired, observed, { manager, prune });
        const theirs = new Set(
          observed.connectors.filter((c) => {
            const m = c.config?.["switchboard.managed-by"];
            return m !== undefined && m !== manager;
          }).map((c) => c.name),
        );
        const touching = p.actions.filter((a) => a.kind !== "noop" && a.kind !== "skip" && theirs.has(a.name));
        expect(touching).toEqual([]);
        for (const name of theirs) expect(p.managedElsewhere.map((m) => m.name)).toContain(name);
      }),
    );
  });

  it("never overwrites a name held by a connector that stays: a create's name is free or freed in the same plan", () => {
    const scenario = desiredArb.chain((desired) =>
      observedArb(desired).chain((observed) => fc.record({ desired: fc.constant(desired), observed: fc.constant(observed), takeOver: fc.boolean() })),
    );
    fc.assert(
      fc.property(scenario, ({ desired, observed, takeOver }) => {
        const p = plan(desired, observed, { takeOver });
        const deleted = new Set(p.actions.filter((a) => a.kind === "delete").map((a) => a.name));
        const live = new Set(observed.connectors.map((c) => c.name));
        for (const a of p.actions) {
          if (a.kind === "create") expect(!live.has(a.name) || deleted.has(a.name)).toBe(true);
        }
      }),
    );
  });

  it("always expects every desired name that is neither skipped nor in conflict", () => {
    const scenario = desiredArb.chain((desired) => observedArb(desired).map((observed) => ({ desired, observed })));
    fc.assert(
      fc.property(scenario, ({ desired, observed }) => {
        const p = plan(desired, observed);
        const left = new Set([
          ...p.actions.filter((a) => a.kind === "skip").map((a) => a.name),
          ...p.conflicts.map((c) => c.connector),
          ...p.warnings.filter((w) => w.code === "UNMANAGED" && !p.actions.some((a) => a.name === w.connector)).map((w) => w.connector),
        ]);
        for (const s of desired.connectors) {
          if (!left.has(s.name)) expect(p.expected[s.name]).toBe(s.state);
        }
      }),
    );
  });
});
