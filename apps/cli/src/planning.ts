import type { ConnectorSpec, DesiredSet, Plan, PlanConflict, Problem } from "@switchboard/engine/model";
import type { PlanOptions } from "@switchboard/engine/plan";
import { planAgainst } from "@switchboard/engine/plan-against";
import type { Cluster } from "./cluster";
import type { CliIo, OutputOptions } from "./context";
import { loadFromArgument } from "./desired";
import { colorsFor, plural, renderProblems, writeLine, writeJson } from "./output";

export type PlanRequest = OutputOptions & {
  prune?: boolean;
  /** `--scope`: the CLI scope whose connectors this run manages (`cli/<scope>`). */
  scope?: string;
  /** `--take-over`: adopt unmanaged connectors at desired names and desired connectors managed elsewhere. */
  takeOver?: boolean;
};

/** The plan plus the keys Connect types as PASSWORD per connector, to mask them when rendering. */
export type Planned = { plan: Plan; secretKeys: Record<string, string[]> };

/**
 * Load, validate (locally, then against the cluster), read the cluster, plan. Problems are printed
 * here and end in `null`: invalid input never touches the cluster beyond reading it. Conflicts are
 * left in the plan for the command to report.
 */
export async function planAgainstCluster(io: CliIo, path: string, cluster: Cluster, opts: PlanRequest): Promise<Planned | null> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) {
    reportProblems(io, path, loaded.problems, opts);
    return null;
  }
  const result = await planAgainst(loaded.desired, cluster.connect, cluster.topics, {
    manager: cliManager(loaded.desired, opts.scope),
    prune: opts.prune ?? false,
    ...(opts.takeOver ? { takeOver: true } : {}),
    ...(loaded.desired.deleteTopics ? { topics: { delete: loaded.desired.deleteTopics } } : {}),
  });
  if (result.problems.length > 0) {
    reportProblems(io, path, loaded.show(result.problems), opts);
    return null;
  }
  return { plan: result.plan, secretKeys: result.secretKeys };
}

/**
 * Who this run manages connectors as: `cli/<--scope>`; without --scope each seed-001 entry's
 * `cli/<nameSpace>`, and `cli/default` for definitions without a namespace (a plain string when no
 * definition has one, so an emptied file still deletes what `cli/default` created).
 */
export function cliManager(desired: DesiredSet, scope: string | undefined): NonNullable<PlanOptions["manager"]> {
  if (scope !== undefined) return `cli/${scope}`;
  if (!desired.connectors.some((c) => c.namespace !== undefined)) return "cli/default";
  return (spec: ConnectorSpec) => `cli/${spec.namespace ?? "default"}`;
}

/** Problems on stderr (one per line, hints under them); with --json also `{ok: false, problems}` on stdout. */
export function reportProblems(
  io: CliIo,
  path: string,
  problems: readonly Problem[],
  opts: OutputOptions,
  suffix = "; nothing was changed",
): void {
  const c = colorsFor(io, "stderr", opts);
  writeLine(io.stderr, renderProblems(problems, c));
  writeLine(io.stderr, `${c.red("✗")} ${plural(problems.length, "problem")} in ${path}${suffix}`);
  if (opts.json) writeJson(io, { ok: false, problems });
}

/** Each conflict on stderr as one line with a hint under it, then a count; nothing was or will be changed. */
export function reportConflicts(io: CliIo, conflicts: readonly PlanConflict[], opts: OutputOptions): void {
  const c = colorsFor(io, "stderr", opts);
  for (const conflict of conflicts) {
    writeLine(io.stderr, `${c.red(`conflict: ${conflict.code} ${conflict.connector}:`)} ${conflict.message}`);
    writeLine(io.stderr, c.dim(`  hint: ${conflictHint(conflict)}`));
  }
  writeLine(io.stderr, `${c.red("✗")} ${plural(conflicts.length, "conflict")}; nothing was changed`);
}

function conflictHint(conflict: PlanConflict): string {
  const held = conflict.heldBy;
  switch (conflict.code) {
    case "NAME_TAKEN":
      if (held?.id === undefined) {
        return `add --take-over to adopt the live connector "${held?.name ?? conflict.connector}" (its config is replaced by the definition), or rename "${conflict.connector}" in the definitions`;
      }
      return `rename "${conflict.connector}" in the definitions, or remove the live connector with id ${held.id}${held.manager ? ` (managed by ${held.manager})` : ""} first; --take-over never replaces a connector with another id`;
    case "MANAGED_ELSEWHERE": {
      const scope = held?.manager?.startsWith("cli/") ? held.manager.slice("cli/".length) : undefined;
      return scope !== undefined
        ? `it belongs to the CLI scope "${scope}": run with --scope ${scope}, or add --take-over to manage it from this scope`
        : `add --take-over to manage it from here (taking it from ${held?.manager ?? "its manager"}), or leave it out of the definitions`;
    }
    case "VERSION_MISMATCH":
      return "the connector changed since this definition was written: plan again from its current version";
    case "TOPIC_IN_USE":
      return `remove or change "${conflict.connector}" first, or keep the topic`;
  }
}
