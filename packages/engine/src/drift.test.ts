import { describe, expect, it } from "vitest";
import { configHash, describeDrift, detectDrift, driftOfDefinitions, type ApprovedConnector } from "./drift";
import { stampConfig } from "./managed";
import type { ObservedConnector, RuntimeState } from "./model";

const SECRET = "s3cr3t-drift-password";
const MANAGER = "web/cluster-1";

const approved: ApprovedConnector = {
  id: "id-1",
  config: { "connector.class": "FileStreamSink", topics: "orders", file: "/tmp/out", "connection.password": SECRET },
  state: "RUNNING",
  version: 4,
  manager: MANAGER,
  stamped: true,
};

function live(over: { config?: Record<string, string> | null; state?: RuntimeState; mark?: { id?: string; version?: number; manager?: string } | null } = {}): ObservedConnector {
  const config = over.config === undefined ? approved.config : over.config;
  const mark = over.mark === undefined ? { id: approved.id, version: approved.version, manager: MANAGER } : over.mark;
  return {
    name: "sink",
    config: config === null ? null : mark === null ? { ...config, name: "sink" } : { ...stampConfig(config, { id: mark.id ?? approved.id, ...mark }), name: "sink" },
    type: "sink",
    state: over.state ?? "RUNNING",
    tasks: [{ id: 0, state: over.state ?? "RUNNING" }],
  };
}

describe("detectDrift", () => {
  const cases: Array<[string, ObservedConnector, ApprovedConnector, ReturnType<typeof detectDrift>]> = [
    ["in step: same config, state and stamp", live(), approved, null],
    ["in step: Connect's echoed name and key order do not count", live({ config: Object.fromEntries(Object.entries(approved.config).reverse()) }), approved, null],
    ["in step: a stamp older than the deployed version (a run-state change does not rewrite the config)", live({ mark: { version: 2, manager: MANAGER } }), approved, null],
    ["config: a changed value, by key name", live({ config: { ...approved.config, file: "/tmp/elsewhere" } }), approved, { config: { added: [], removed: [], changed: ["file"] } }],
    ["config: a changed secret, by key name only", live({ config: { ...approved.config, "connection.password": "other-password" } }), approved, { config: { added: [], removed: [], changed: ["connection.password"] } }],
    [
      "config: keys added and removed",
      live({ config: { "connector.class": "FileStreamSink", topics: "orders", file: "/tmp/out", "batch.size": "9" } }),
      approved,
      { config: { added: ["batch.size"], removed: ["connection.password"], changed: [] } },
    ],
    ["state: PAUSED behind Switchboard's back", live({ state: "PAUSED" }), approved, { state: { expected: "RUNNING", live: "PAUSED" } }],
    ["state: STOPPED", live({ state: "STOPPED" }), approved, { state: { expected: "RUNNING", live: "STOPPED" } }],
    ["state: running although approved paused", live({ state: "RUNNING" }), { ...approved, state: "PAUSED" }, { state: { expected: "PAUSED", live: "RUNNING" } }],
    ["not drift: FAILED is a health matter", live({ state: "FAILED" }), approved, null],
    ["not drift: UNASSIGNED", live({ state: "UNASSIGNED" }), approved, null],
    ["not drift: RESTARTING", live({ state: "RESTARTING" }), approved, null],
    ["version: a newer stamp", live({ mark: { version: 9, manager: MANAGER } }), approved, { version: { expected: 4, live: 9, reason: "newer" } }],
    ["version: stamps removed", live({ mark: null }), approved, { version: { expected: 4, live: null, reason: "missing" } }],
    ["version: stamped by another manager", live({ mark: { version: 4, manager: "cli/default" } }), approved, { version: { expected: 4, live: 4, reason: "other-manager" } }],
    ["version: stamped with another id", live({ mark: { id: "id-2", version: 4, manager: MANAGER } }), approved, { version: { expected: 4, live: 4, reason: "other-id" } }],
    ["not drift: an adopted connector keeps its old stamps until its first deploy", live({ mark: null }), { ...approved, stamped: false }, null],
    ["status-topic record (no config): run state only", live({ config: null, state: "PAUSED" }), approved, { state: { expected: "RUNNING", live: "PAUSED" } }],
    ["status-topic record (no config) in step", live({ config: null }), approved, null],
  ];

  it.each(cases)("%s", (_name, observed, approvedAs, expected) => {
    expect(detectDrift(approvedAs, observed)).toEqual(expected);
  });

  it("never carries a config value, secret or not, in the report or its description", () => {
    const observed = live({ config: { ...approved.config, "connection.password": "leaked-live-secret", file: "/srv/private/path" }, state: "PAUSED", mark: { version: 11, manager: MANAGER } });
    const report = detectDrift(approved, observed);
    expect(report).not.toBeNull();
    const text = JSON.stringify(report) + describeDrift(report!).join("\n");
    for (const value of [SECRET, "leaked-live-secret", "/srv/private/path", "/tmp/out", "orders"]) expect(text).not.toContain(value);
    expect(describeDrift(report!)).toEqual(["config: changed connection.password, file", "run state: PAUSED, approved RUNNING", "version: stamped version 11, approved version 4"]);
  });

  it("does not modify its inputs", () => {
    const observed = live({ config: { ...approved.config, file: "x" } });
    const before = JSON.stringify([approved, observed]);
    detectDrift(approved, observed);
    expect(JSON.stringify([approved, observed])).toBe(before);
  });
});

describe("configHash", () => {
  it("ignores reserved keys, Connect's echoed name and key order, and sees any value change", () => {
    const base = { a: "1", b: "2" };
    expect(configHash({ b: "2", a: "1", name: "x", "switchboard.version": "3" })).toBe(configHash(base));
    expect(configHash({ ...base, b: "3" })).not.toBe(configHash(base));
  });
});

describe("driftOfDefinitions", () => {
  const def = { id: "id-1", name: "sink", version: 4, config: approved.config, state: "RUNNING" as const };
  it("compares definitions at the live version; an older live version is pending, a newer one means the file is behind", () => {
    const edited = live({ config: { ...approved.config, file: "/elsewhere", "connection.password": "typed-by-hand" } });
    expect(driftOfDefinitions({ connectors: [def] }, [live()])).toEqual({ inStep: ["sink"], drifted: [], pending: [], behind: [] });
    const drifted = driftOfDefinitions({ connectors: [def] }, [edited]);
    expect(drifted.drifted).toEqual([{ name: "sink", id: "id-1", report: { config: { added: [], removed: [], changed: ["connection.password", "file"] } } }]);
    expect(JSON.stringify(drifted)).not.toContain("typed-by-hand");
    expect(JSON.stringify(drifted)).not.toContain(SECRET);
    expect(driftOfDefinitions({ connectors: [{ ...def, version: 5 }] }, [edited]).pending).toEqual(["sink"]);
    expect(driftOfDefinitions({ connectors: [{ ...def, version: 3 }] }, [edited]).behind).toEqual(["sink"]);
    expect(driftOfDefinitions({ connectors: [def] }, []).pending).toEqual(["sink"]);
  });

  it("matches an unstamped live connector by name, and compares a definition without a version whatever the stamp", () => {
    const { version: _v, ...unversioned } = def;
    expect(driftOfDefinitions({ connectors: [unversioned] }, [live({ mark: null, state: "PAUSED" })]).drifted).toEqual([{ name: "sink", id: "id-1", report: { state: { expected: "RUNNING", live: "PAUSED" } } }]);
  });
});
