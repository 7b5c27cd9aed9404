import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPlanText, planToJson } from "./format";
import { stampConfig } from "./managed";
import type { ConnectorSpec, ObservedConnector, Plan, PlanAction } from "./model";
import { plan } from "./plan";

const noop = (name: string): PlanAction => ({ kind: "noop", name, id: `id-${name}`, reason: "unchanged" });

function planOf(over: Partial<Plan>): Plan {
  return { actions: [], topicsToCreate: [], topicsToDelete: [], unmanaged: [], managedElsewhere: [], conflicts: [], warnings: [], expected: {}, ...over };
}

const sample = planOf({
  actions: [
    { kind: "delete", name: "old", id: "id-old", managed: true, reason: "removed from the definitions" },
    {
      kind: "create",
      name: "orders-sink",
      id: "orders",
      version: 3,
      config: {
        "connector.class": "FileStreamSink",
        topics: "orders",
        "connection.password": "hunter2",
        "ssl.key.password": "${file:/etc/secrets:key}",
        "switchboard.id": "orders",
        "switchboard.version": "3",
      },
      state: "RUNNING",
      reason: "new connector",
    },
    {
      kind: "update",
      name: "billing",
      id: "billing",
      fromVersion: 1,
      version: 2,
      config: { "batch.size": "250", "connection.password": "new-secret" },
      changes: [
        { op: "change", key: "batch.size", before: "100", after: "250" },
        { op: "change", key: "connection.password", sensitive: true },
        { op: "add", key: "linger.ms", after: "5" },
        { op: "remove", key: "topic.prefix", before: "db-" },
      ],
      reason: "4 config keys changed",
    },
    { kind: "pause", name: "p", id: "p", reason: "is RUNNING, wanted PAUSED" },
    { kind: "resume", name: "r", id: "r", reason: "is PAUSED, wanted RUNNING" },
    { kind: "stop", name: "s", id: "s", reason: "is RUNNING, wanted STOPPED" },
    { kind: "restart", name: "f", id: "f", onlyFailed: true, reason: "1 task FAILED" },
    { kind: "skip", name: "k", id: "k", version: 1, deployedVersion: 2, reason: "desired version 1 is older than deployed version 2" },
    noop("quiet"),
  ],
  topicsToCreate: [{ name: "orders", partitions: 1, replicationFactor: 1 }],
  unmanaged: ["legacy"],
  warnings: [{ connector: "k", code: "SKIPPED_OLDER_VERSION", message: "desired version 1 is older than deployed version 2" }],
});

describe("formatPlanText", () => {
  const text = formatPlanText(sample, { color: false });
  const lines = text.split("\n");

  it("prints one line per connector action with its symbol", () => {
    expect(lines).toContain("- delete old: removed from the definitions");
    expect(lines).toContain("+ create orders-sink (RUNNING, id orders, v3): new connector");
    expect(lines).toContain("~ update billing (v1 → v2): 4 config keys changed");
    expect(lines).toContain("⏸ pause p: is RUNNING, wanted PAUSED");
    expect(lines).toContain("▶ resume r: is PAUSED, wanted RUNNING");
    expect(lines).toContain("■ stop s: is RUNNING, wanted STOPPED");
    expect(lines).toContain("↻ restart f (failed only): 1 task FAILED");
    expect(lines).toContain("! skip k: desired version 1 is older than deployed version 2");
  });

  it("prints key-level changes under updates, secrets as (sensitive)", () => {
    const at = lines.indexOf("~ update billing (v1 → v2): 4 config keys changed");
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '    ~ batch.size: "100" → "250"',
      "    ~ connection.password: (sensitive)",
      '    + linger.ms: "5"',
      '    - topic.prefix: "db-"',
    ]);
  });

  it("lists the config of a create masked, without the reserved keys", () => {
    const at = lines.indexOf("+ create orders-sink (RUNNING, id orders, v3): new connector");
    expect(lines.slice(at + 1, at + 5)).toEqual([
      "    + connection.password: (sensitive)",
      '    + connector.class: "FileStreamSink"',
      '    + ssl.key.password: "${file:/etc/secrets:key}"',
      '    + topics: "orders"',
    ]);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("switchboard.id");
  });

  it("hides unchanged connectors unless verbose", () => {
    expect(text).not.toContain("quiet");
    expect(formatPlanText(sample, { color: false, verbose: true }).split("\n")).toContain("= unchanged quiet: unchanged");
  });

  it("prints topics to create, unmanaged connectors and warnings", () => {
    expect(lines).toContain("+ topic orders (1 partition, rf 1)");
    expect(text).toContain("Unmanaged connectors (left alone; use --prune to delete):\n  ? legacy");
    expect(text).toContain("Warnings:\n  ! SKIPPED_OLDER_VERSION k: desired version 1 is older than deployed version 2");
  });

  it("ends with a summary line naming only the state actions that happen", () => {
    expect(lines.at(-1)).toBe(
      "1 to create, 1 to update, 1 to delete, 1 to pause, 1 to resume, 1 to stop, 1 to restart, 1 topic to create; 1 unchanged, 1 skipped",
    );
    const p = planOf({
      actions: [
        { kind: "create", name: "a", id: "a", config: {}, state: "RUNNING", reason: "new connector" },
        { kind: "create", name: "b", id: "b", config: {}, state: "RUNNING", reason: "new connector" },
        { kind: "update", name: "c", id: "c", config: {}, changes: [], reason: "r" },
        { kind: "pause", name: "d", id: "d", reason: "r" },
        ...Array.from({ length: 14 }, (_, i) => noop(`n${i}`)),
      ],
    });
    expect(formatPlanText(p, { color: false }).split("\n").at(-1)).toBe("2 to create, 1 to update, 0 to delete, 1 to pause; 14 unchanged");
  });

  it("says there are no changes when there are none", () => {
    const p = planOf({ actions: Array.from({ length: 14 }, (_, i) => noop(`n${i}`)) });
    expect(formatPlanText(p, { color: false })).toBe("No changes. 14 connectors unchanged.");
    expect(formatPlanText(planOf({ actions: [noop("one")] }), { color: false })).toBe("No changes. 1 connector unchanged.");
  });

  it("colours only when asked", () => {
    const ansi = /\u001b\[/;
    expect(text).not.toMatch(ansi);
    expect(formatPlanText(sample, { color: true })).toMatch(ansi);
  });

  it("masks keys the caller knows to be PASSWORD-typed, even if the plan did not", () => {
    const p = planOf({
      actions: [
        { kind: "create", name: "irc", id: "irc", config: { "irc.auth": "letmein" }, state: "RUNNING", reason: "new connector" },
        { kind: "update", name: "irc2", id: "irc2", config: {}, changes: [{ op: "change", key: "irc.auth", before: "a1", after: "b2" }], reason: "r" },
      ],
    });
    const secretKeys = { irc: ["irc.auth"], irc2: ["irc.auth"] };
    const out = formatPlanText(p, { color: false, secretKeys });
    expect(out).toContain("    + irc.auth: (sensitive)");
    expect(out).toContain("    ~ irc.auth: (sensitive)");
    expect(out).not.toMatch(/letmein|a1|b2/);
    expect(JSON.stringify(planToJson(p, { secretKeys }))).not.toMatch(/letmein|"a1"|"b2"/);
  });
});

describe("formatPlanText: ownership", () => {
  const owned = planOf({
    actions: [
      { kind: "create", name: "fresh", id: "fresh", config: {}, state: "RUNNING", reason: "new connector" },
      { kind: "update", name: "taken", id: "taken", config: {}, changes: [], reason: "take over from web/c1" },
    ],
    managedElsewhere: [
      { name: "orders-sink", id: "cr-1", manager: "web/c1" },
      { name: "old-one", id: "old" },
    ],
    conflicts: [
      {
        connector: "clash",
        id: "mine",
        code: "NAME_TAKEN",
        message: 'the name "clash" is held by a connector with id theirs; creating "clash" (id mine) would overwrite it',
        heldBy: { name: "clash", id: "theirs", manager: "web/c1" },
      },
    ],
    warnings: [{ connector: "taken", code: "TAKE_OVER", message: "taken over from web/c1" }],
  });
  const text = formatPlanText(owned, { color: false });
  const lines = text.split("\n");

  it("puts conflicts first, one line each", () => {
    expect(lines.slice(0, 2)).toEqual([
      "Conflicts (nothing will be applied until they are resolved):",
      '  ✗ NAME_TAKEN clash: the name "clash" is held by a connector with id theirs; creating "clash" (id mine) would overwrite it',
    ]);
  });

  it("lists connectors managed elsewhere with their manager, like unmanaged ones", () => {
    expect(text).toContain("Managed elsewhere, left alone:\n  = orders-sink (managed by web/c1)\n  = old-one (id old, stamped without a manager)");
  });

  it("shows take-over warnings, and a summary that says nothing will be applied", () => {
    expect(text).toContain("  ! TAKE_OVER taken: taken over from web/c1");
    expect(lines.at(-1)).toBe("1 conflict: nothing will be applied. 1 to create, 1 to update, 0 to delete; 0 unchanged");
    expect(formatPlanText(planOf({ conflicts: owned.conflicts }), { color: false }).split("\n").at(-1)).toBe(
      "1 conflict: nothing will be applied. 0 to create, 0 to update, 0 to delete; 0 unchanged",
    );
  });
});

describe("planToJson", () => {
  it("carries connectors managed elsewhere and conflicts", () => {
    const p = planOf({
      managedElsewhere: [{ name: "a", id: "a", manager: "web/c1" }],
      conflicts: [{ connector: "b", code: "NAME_TAKEN", message: "m", heldBy: { name: "b" } }],
    });
    const json = planToJson(p);
    expect(json).toMatchObject({ managedElsewhere: [{ name: "a", id: "a", manager: "web/c1" }], conflicts: [{ connector: "b", heldBy: { name: "b" } }] });
    json.conflicts[0]!.heldBy!.name = "x";
    expect(p.conflicts[0]?.heldBy?.name).toBe("b");
  });

  it("keeps actions and changes but drops full configs, and adds the summary", () => {
    const json = planToJson(sample);
    expect(json.actions.every((a) => !("config" in a))).toBe(true);
    expect(json.actions.find((a) => a.kind === "update")).toMatchObject({
      changes: [{ key: "batch.size", before: "100", after: "250" }, { key: "connection.password", sensitive: true }, {}, {}],
    });
    expect(json.summary).toMatchObject({ create: 1, update: 1, delete: 1, skip: 1, unchanged: 1, unmanaged: 1 });
    expect(json.hasChanges).toBe(true);
    expect(JSON.stringify(json)).not.toMatch(/hunter2|new-secret/);
  });

  it("does not share objects with the plan", () => {
    const json = planToJson(sample);
    json.unmanaged.push("x");
    expect(sample.unmanaged).toEqual(["legacy"]);
  });
});

const SECRET_KEYS = ["connection.password", "db.secret", "api.key", "sasl.jaas.config", "auth.token", "irc.auth"];
const PASSWORD_TYPED = ["irc.auth"];
const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);
const secretArb = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((s) => `SECRETVALUE${s}`);
const configArb = fc.record({
  plain: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}(\.[a-z]{1,5})?$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  secrets: fc.dictionary(fc.constantFrom(...SECRET_KEYS), secretArb, { minKeys: 1, maxKeys: 3 }),
});
const caseArb = fc.record({
  name: nameArb,
  desired: configArb,
  observed: fc.option(configArb, { nil: undefined }),
  managed: fc.boolean(),
  state: fc.constantFrom("RUNNING" as const, "PAUSED" as const, "STOPPED" as const),
  wanted: fc.boolean(),
});

describe("secrets in formatted plans", () => {
  it("never prints a secret value in text or JSON, whatever the plan", () => {
    fc.assert(
      fc.property(fc.uniqueArray(caseArb, { selector: (c) => c.name, maxLength: 6 }), fc.boolean(), (cases, prune) => {
        const specs: ConnectorSpec[] = [];
        const observed: ObservedConnector[] = [];
        const secrets: string[] = [];
        for (const c of cases) {
          secrets.push(...Object.values(c.desired.secrets), ...Object.values(c.observed?.secrets ?? {}));
          const spec: ConnectorSpec = { id: `id-${c.name}`, name: c.name, config: { ...c.desired.plain, ...c.desired.secrets }, state: c.state };
          if (c.wanted) specs.push(spec);
          if (c.observed) {
            const config = { ...c.observed.plain, ...c.observed.secrets };
            observed.push({
              name: c.name,
              config: c.managed ? stampConfig(config, { id: spec.id }) : config,
              type: "sink",
              state: "RUNNING",
              tasks: [],
            });
          }
        }
        const secretKeys = Object.fromEntries(cases.map((c) => [c.name, PASSWORD_TYPED]));
        const p = plan({ connectors: specs }, { connectors: observed }, { prune, secretKeys });
        const outputs = [
          formatPlanText(p, { color: false, verbose: true, secretKeys }),
          formatPlanText(p, { color: true, verbose: true, secretKeys }),
          JSON.stringify(planToJson(p)),
        ];
        for (const out of outputs) {
          for (const secret of secrets) expect(out).not.toContain(secret);
        }
      }),
    );
  });
});
