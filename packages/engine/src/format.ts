import { createColors } from "picocolors";
import { userConfig } from "./managed";
import { isConfigProviderReference, isSecretKey, maskConfig, MASK } from "./secrets";
import type { KeyChange, Plan, PlanAction } from "./model";
import { hasChanges, summarizePlan, type PlanSummary } from "./plan";

export type FormatOptions = {
  color: boolean;
  /** Also list unchanged connectors. */
  verbose?: boolean;
  /** Connector name → keys Connect types as PASSWORD; masked on top of the key patterns. */
  secretKeys?: Record<string, string[]>;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A plan action without the full config it would send (which may hold secrets). */
export type PlanActionJson = DistributiveOmit<PlanAction, "config">;

/** The plan without full configs (key-level `changes` are kept), plus its summary: safe to print and store. */
export type PlanJson = Omit<Plan, "actions"> & { actions: PlanActionJson[]; summary: PlanSummary; hasChanges: boolean };

type Colors = ReturnType<typeof createColors>;

const SYMBOL: Record<PlanAction["kind"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  pause: "⏸",
  resume: "▶",
  stop: "■",
  restart: "↻",
  skip: "!",
  noop: "=",
};

/**
 * Renders a plan like a Terraform plan: one line per connector action, key-level changes under
 * updates, the masked config under creates, topics, unmanaged connectors, connectors managed elsewhere,
 * warnings, and a summary line; conflicts come first. Secret values never appear in the output.
 */
export function formatPlanText(p: Plan, opts: FormatOptions): string {
  const c = createColors(opts.color);
  const sections: string[][] = [];

  // First, so nobody reads past them: a plan with conflicts is not applied at all.
  if (p.conflicts.length > 0) {
    sections.push([
      c.red(c.bold(`Conflicts (nothing will be applied until they are resolved):`)),
      ...p.conflicts.map((x) => `  ${c.red("✗")} ${c.bold(x.code)} ${x.connector}: ${x.message}`),
    ]);
  }

  const actionLines: string[] = [];
  for (const action of p.actions) {
    if (action.kind === "noop" && !opts.verbose) continue;
    actionLines.push(actionLine(action, c));
    const extra = opts.secretKeys?.[action.name];
    if (action.kind === "create") actionLines.push(...createConfigLines(action.config, extra, c));
    if (action.kind === "update") actionLines.push(...action.changes.map((ch) => `    ${changeLine(ch, extra, c)}`));
  }
  sections.push(actionLines);

  sections.push([
    ...p.topicsToCreate.map(
      (t) =>
        `${c.green("+")} topic ${t.name} (${t.partitions} ${t.partitions === 1 ? "partition" : "partitions"}, rf ${t.replicationFactor})`,
    ),
    ...p.topicsToDelete.map((name) => `${c.red("-")} topic ${name} ${c.red("(deleted with every record in it: the data is lost)")}`),
  ]);

  if (p.unmanaged.length > 0) {
    sections.push([
      `Unmanaged connectors (left alone; use --prune to delete):`,
      ...p.unmanaged.map((name) => `  ${c.dim("?")} ${name}`),
    ]);
  }

  if (p.managedElsewhere.length > 0) {
    sections.push([
      `Managed elsewhere, left alone:`,
      ...p.managedElsewhere.map(
        (m) => `  ${c.dim("=")} ${m.name} ${c.dim(m.manager === undefined ? `(id ${m.id}, stamped without a manager)` : `(managed by ${m.manager})`)}`,
      ),
    ]);
  }

  if (p.warnings.length > 0) {
    sections.push([
      c.yellow("Warnings:"),
      ...p.warnings.map((w) => `  ${c.yellow("!")} ${c.bold(w.code)}${w.connector ? ` ${w.connector}` : ""}: ${w.message}`),
    ]);
  }

  sections.push([summaryLine(p, c)]);
  return sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"))
    .join("\n\n");
}

/** The plan as a JSON-safe document without full configs (they may hold secrets). */
export function planToJson(p: Plan, opts: { secretKeys?: Record<string, string[]> } = {}): PlanJson {
  return {
    actions: p.actions.map((action) => actionToJson(action, opts.secretKeys?.[action.name])),
    topicsToCreate: p.topicsToCreate.map((t) => (t.config ? { ...t, config: { ...t.config } } : { ...t })),
    topicsToDelete: [...p.topicsToDelete],
    unmanaged: [...p.unmanaged],
    managedElsewhere: p.managedElsewhere.map((m) => ({ ...m })),
    conflicts: p.conflicts.map((c) => ({ ...c, ...(c.heldBy ? { heldBy: { ...c.heldBy } } : {}) })),
    warnings: p.warnings.map((w) => ({ ...w })),
    expected: { ...p.expected },
    summary: summarizePlan(p),
    hasChanges: hasChanges(p),
  };
}

function actionToJson(action: PlanAction, extraSecretKeys: string[] | undefined): PlanActionJson {
  switch (action.kind) {
    case "create": {
      const { config: _config, ...rest } = action;
      return rest;
    }
    case "update": {
      const { config: _config, ...rest } = action;
      return { ...rest, changes: action.changes.map((ch) => scrubChange(ch, extraSecretKeys)) };
    }
    default:
      return { ...action };
  }
}

/**
 * The plan already masks secret changes; this also masks keys the caller knows to be PASSWORD-typed
 * in case the plan was computed without that knowledge.
 */
function scrubChange(change: KeyChange, extraSecretKeys: string[] | undefined): KeyChange {
  if (change.sensitive || !isSecretKey(change.key, extraSecretKeys)) return { ...change };
  const values = [
    change.op === "add" ? undefined : change.before,
    change.op === "remove" ? undefined : change.after,
  ].filter((v): v is string => v !== undefined);
  return values.every(isConfigProviderReference) ? { ...change } : { op: change.op, key: change.key, sensitive: true };
}

function actionLine(action: PlanAction, c: Colors): string {
  const paint = colorOf(action.kind, c);
  const head = `${paint(SYMBOL[action.kind])} ${paint(action.kind === "noop" ? "unchanged" : action.kind)} ${c.bold(action.name)}`;
  const detail = actionDetail(action);
  return `${head}${detail ? ` (${detail})` : ""}${c.dim(`: ${action.reason}`)}`;
}

function actionDetail(action: PlanAction): string | undefined {
  switch (action.kind) {
    case "create":
      return [action.state, `id ${action.id}`, action.version === undefined ? undefined : `v${action.version}`]
        .filter(Boolean)
        .join(", ");
    case "update":
      if (action.version === undefined || action.version === action.fromVersion) return undefined;
      return action.fromVersion === undefined ? `v${action.version}` : `v${action.fromVersion} → v${action.version}`;
    case "delete":
      return action.managed ? undefined : "unmanaged";
    case "restart":
      return action.onlyFailed ? "failed only" : undefined;
    default:
      return undefined;
  }
}

function createConfigLines(config: Record<string, string>, extraSecretKeys: string[] | undefined, c: Colors): string[] {
  const masked = maskConfig(userConfig(config), extraSecretKeys);
  return Object.keys(masked)
    .sort()
    .map((key) => {
      const value = masked[key] ?? "";
      return `    ${c.green("+")} ${key}: ${value !== config[key] ? c.dim(MASK) : JSON.stringify(value)}`;
    });
}

/** One key-level change as the plan prints it (`~ key: "before" → "after"`; a secret only as masked). */
export function keyChangeLine(change: KeyChange, opts: { color: boolean }): string {
  return changeLine(change, undefined, createColors(opts.color));
}

function changeLine(change: KeyChange, extraSecretKeys: string[] | undefined, c: Colors): string {
  const scrubbed = scrubChange(change, extraSecretKeys);
  const symbol = { add: c.green("+"), remove: c.red("-"), change: c.yellow("~") }[scrubbed.op];
  if (scrubbed.sensitive) return `${symbol} ${scrubbed.key}: ${c.dim(MASK)}`;
  switch (scrubbed.op) {
    case "add":
      return `${symbol} ${scrubbed.key}: ${JSON.stringify(scrubbed.after)}`;
    case "remove":
      return `${symbol} ${scrubbed.key}: ${JSON.stringify(scrubbed.before)}`;
    case "change":
      return `${symbol} ${scrubbed.key}: ${JSON.stringify(scrubbed.before)} → ${JSON.stringify(scrubbed.after)}`;
  }
}

function summaryLine(p: Plan, c: Colors): string {
  const s = summarizePlan(p);
  const skipped = s.skip > 0 ? `, ${s.skip} skipped` : "";
  const conflicts = p.conflicts.length;
  const blocked = conflicts > 0 ? `${c.red(c.bold(`${conflicts} ${conflicts === 1 ? "conflict" : "conflicts"}: nothing will be applied.`))} ` : "";
  if (!hasChanges(p) && conflicts === 0) {
    return `${c.bold("No changes.")} ${s.unchanged} ${s.unchanged === 1 ? "connector" : "connectors"} unchanged${skipped}.`;
  }
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.delete} to delete`];
  for (const kind of ["pause", "resume", "stop", "restart"] as const) {
    if (s[kind] > 0) parts.push(`${s[kind]} to ${kind}`);
  }
  const topics = p.topicsToCreate.length;
  if (topics > 0) parts.push(`${topics} ${topics === 1 ? "topic" : "topics"} to create`);
  if (p.topicsToDelete.length > 0) parts.push(`${p.topicsToDelete.length} topics to delete`);
  return `${blocked}${c.bold(parts.join(", "))}; ${s.unchanged} unchanged${skipped}`;
}

function colorOf(kind: PlanAction["kind"], c: Colors): (text: string) => string {
  switch (kind) {
    case "create":
    case "resume":
      return c.green;
    case "update":
    case "pause":
    case "stop":
      return c.yellow;
    case "delete":
      return c.red;
    case "restart":
      return c.cyan;
    case "skip":
      return c.magenta;
    case "noop":
      return c.dim;
  }
}
