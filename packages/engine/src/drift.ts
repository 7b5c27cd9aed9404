/**
 * Drift: a managed connector whose live copy no longer matches what was approved. Pure: the caller
 * hands over the approved definition (secrets included, server-side only) and what Connect returned;
 * the answer names what drifted (config key names, run states, version stamps) and never a value.
 */
import { createHash } from "node:crypto";
import { observedUserConfig, readMark, userConfig } from "./managed";
import type { DesiredRunState, ObservedConnector, RuntimeState } from "./model";

/** What was approved and deployed for one connector. */
export type ApprovedConnector = {
  id: string;
  /** The full config as deployed (secrets included), without reserved keys. */
  config: Record<string, string>;
  state: DesiredRunState;
  /** The version last deployed (`deployedVersion`). */
  version: number;
  /** The manager the deploys stamp (`web/<clusterId>`). */
  manager: string;
  /**
   * Whether a deploy has written Switchboard's stamps: false for a connector adopted and not deployed
   * since, whose live stamps are whatever it had (none, the old toolchain's, another manager's).
   */
  stamped: boolean;
};

/** Why the live version stamp is drift. */
export type StampDrift = "missing" | "newer" | "other-id" | "other-manager";

/**
 * What drifted. Config changes are key names only, never values (a value may be a secret). Absent
 * parts are in step (or could not be told: a status-topic record carries no config).
 */
export type DriftReport = {
  config?: { added: string[]; removed: string[]; changed: string[] };
  state?: { expected: DesiredRunState; live: DesiredRunState };
  version?: { expected: number; live: number | null; reason: StampDrift };
};

/** Run states that are a choice (pause, stop, resume). FAILED, UNASSIGNED and RESTARTING are health, not drift. */
const CHOSEN: ReadonlySet<RuntimeState> = new Set(["RUNNING", "PAUSED", "STOPPED"]);

/**
 * A stable hash of a connector's user config: reserved keys and Connect's echoed `name` left out,
 * keys sorted. Two configs are in step exactly when their hashes are equal.
 */
export function configHash(config: Record<string, string>): string {
  const comparable = comparableConfig(config);
  const canonical = JSON.stringify(Object.keys(comparable).sort().map((k) => [k, comparable[k]]));
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Compares a managed connector's live copy with what was approved: the config (by hash, then the
 * names of the keys that differ), the run state (RUNNING / PAUSED / STOPPED only), and the version
 * stamp. A stamp older than the deployed version is in step: a change of run state alone bumps the
 * version without rewriting the config (see the planner's "metadata only"). Returns null when in
 * step. A live connector without a config (a status-topic record) is compared on its run state only.
 */
export function detectDrift(approved: ApprovedConnector, live: ObservedConnector): DriftReport | null {
  const report: DriftReport = {};
  if (live.config !== null) {
    const liveConfig = comparableConfig(observedUserConfig(live.config));
    const approvedConfig = comparableConfig(userConfig(approved.config));
    if (configHash(liveConfig) !== configHash(approvedConfig)) {
      const keys = [...new Set([...Object.keys(liveConfig), ...Object.keys(approvedConfig)])].sort();
      report.config = {
        added: keys.filter((k) => !(k in approvedConfig)),
        removed: keys.filter((k) => !(k in liveConfig)),
        changed: keys.filter((k) => k in approvedConfig && k in liveConfig && approvedConfig[k] !== liveConfig[k]),
      };
    }
    const stamp = approved.stamped ? stampDrift(approved, live.config) : undefined;
    if (stamp) report.version = stamp;
  }
  if (CHOSEN.has(live.state) && live.state !== approved.state) {
    report.state = { expected: approved.state, live: live.state as DesiredRunState };
  }
  return report.config || report.state || report.version ? report : null;
}

function stampDrift(approved: ApprovedConnector, config: Record<string, string>): DriftReport["version"] | undefined {
  const mark = readMark(config);
  const live = mark?.version ?? null;
  const at = (reason: StampDrift) => ({ expected: approved.version, live, reason });
  if (!mark || mark.version === undefined || mark.legacy) return at("missing");
  if (mark.id !== approved.id) return at("other-id");
  if (mark.manager !== approved.manager) return at("other-manager");
  if (mark.version > approved.version) return at("newer");
  return undefined;
}

/** Connect echoes `name` in the config it returns; it is the connector's identity, not config. */
function comparableConfig(config: Record<string, string>): Record<string, string> {
  const { name: _name, ...rest } = userConfig(config);
  return rest;
}

/** One line per drifted part, for notifications, the CLI and incident traces: key names, states, versions; never values. */
export function describeDrift(report: DriftReport): string[] {
  const lines: string[] = [];
  if (report.config) {
    const parts = [
      report.config.changed.length > 0 ? `changed ${report.config.changed.join(", ")}` : "",
      report.config.added.length > 0 ? `added ${report.config.added.join(", ")}` : "",
      report.config.removed.length > 0 ? `removed ${report.config.removed.join(", ")}` : "",
    ].filter(Boolean);
    lines.push(`config: ${parts.join("; ")}`);
  }
  if (report.state) lines.push(`run state: ${report.state.live}, approved ${report.state.expected}`);
  if (report.version) {
    const why = { missing: "no Switchboard version stamp", newer: `stamped version ${report.version.live}`, "other-id": "stamped with another id", "other-manager": "stamped by another manager" }[report.version.reason];
    lines.push(`version: ${why}, approved version ${report.version.expected}`);
  }
  return lines;
}

/** Drift of a set of definitions (a state file or directory) against the live cluster. */
export type DefinitionsDrift = {
  /** Live at the definition's version (or the definition has none) and matching it. */
  inStep: string[];
  /** Live at the definition's version (or the definition has none) and no longer matching it. */
  drifted: Array<{ name: string; id: string; report: DriftReport }>;
  /** Live at an older version than the definition, or absent: a change to apply (see `plan`), not drift. */
  pending: string[];
  /** Live at a newer version than the definition: the definition is behind, nothing to compare. */
  behind: string[];
};

/**
 * Compares each definition with its live connector (by stamped id, else by name when the live one is
 * unstamped): the config and run state the definition asks for, when the live connector carries the
 * definition's version (or the definition has none). Key names only, never values.
 */
export function driftOfDefinitions(desired: { connectors: ReadonlyArray<{ id: string; name: string; version?: number; config: Record<string, string>; state: DesiredRunState }> }, observed: readonly ObservedConnector[]): DefinitionsDrift {
  const out: DefinitionsDrift = { inStep: [], drifted: [], pending: [], behind: [] };
  const byId = new Map<string, ObservedConnector>();
  for (const c of observed) {
    const id = readMark(c.config)?.id;
    if (id !== undefined && !byId.has(id)) byId.set(id, c);
  }
  for (const spec of [...desired.connectors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const atName = observed.find((c) => c.name === spec.name && readMark(c.config) === null);
    const live = byId.get(spec.id) ?? atName;
    if (!live) {
      out.pending.push(spec.name);
      continue;
    }
    const liveVersion = readMark(live.config)?.version;
    if (spec.version !== undefined && liveVersion !== undefined && liveVersion !== spec.version) {
      (liveVersion < spec.version ? out.pending : out.behind).push(spec.name);
      continue;
    }
    const report = detectDrift({ id: spec.id, config: spec.config, state: spec.state, version: spec.version ?? liveVersion ?? 0, manager: "", stamped: false }, live);
    if (report) out.drifted.push({ name: spec.name, id: spec.id, report });
    else out.inStep.push(spec.name);
  }
  return out;
}
