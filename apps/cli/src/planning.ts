import type { Plan, Problem } from "@switchboard/engine/model";
import { plan } from "@switchboard/engine/plan";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";
import type { Cluster } from "./cluster";
import type { CliIo, OutputOptions } from "./context";
import { loadFromArgument } from "./desired";
import { colorsFor, plural, renderProblems, writeJson, writeLine } from "./output";

export type PlanRequest = OutputOptions & { prune?: boolean };

/** The plan plus the keys Connect types as PASSWORD per connector, to mask them when rendering. */
export type Planned = { plan: Plan; secretKeys: Record<string, string[]> };

/**
 * Load, validate (locally, then against the cluster), read the cluster, plan. Problems are printed
 * here and end in `null`: invalid input never touches the cluster beyond reading it.
 */
export async function planAgainstCluster(io: CliIo, path: string, cluster: Cluster, opts: PlanRequest): Promise<Planned | null> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) {
    reportProblems(io, path, loaded.problems, opts);
    return null;
  }
  // Reading first makes an unreachable cluster fail with one clear error before anything else.
  const connectors = await cluster.connect.listConnectors();
  const topics = cluster.topics ? await cluster.topics.listTopics() : undefined;
  const checked = await validateAgainstCluster(loaded.desired, cluster.connect);
  if (checked.problems.length > 0) {
    reportProblems(io, path, loaded.show(checked.problems), opts);
    return null;
  }
  const p = plan(loaded.desired, { connectors, ...(topics ? { topics } : {}) }, {
    prune: opts.prune ?? false,
    secretKeys: checked.secretKeys,
  });
  return { plan: p, secretKeys: checked.secretKeys };
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
