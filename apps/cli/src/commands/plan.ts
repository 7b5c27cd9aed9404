import { formatPlanText, planToJson } from "@switchboard/engine/format";
import { hasChanges } from "@switchboard/engine/plan";
import { withCluster, type ClusterOptions } from "../cluster";
import type { CliIo, OutputOptions } from "../context";
import { colorsFor, writeJson, writeLine } from "../output";
import { planAgainstCluster, reportConflicts, type PlanRequest } from "../planning";

export type PlanCommandOptions = OutputOptions & ClusterOptions & Pick<PlanRequest, "prune" | "scope" | "takeOver">;

/**
 * `switchboard plan <path>`: what apply would do, changing nothing. Exit codes follow terraform's
 * -detailed-exitcode: 0 no changes, 2 changes, 1 error; a plan with conflicts (which apply would
 * refuse) is printed with the conflicts on stderr and exits 1.
 */
export async function planCommand(path: string, opts: PlanCommandOptions, io: CliIo): Promise<number> {
  return withCluster(opts, io, async (cluster) => {
    const planned = await planAgainstCluster(io, path, cluster, opts);
    if (!planned) return 1;
    const { plan: p, secretKeys } = planned;
    if (opts.json) writeJson(io, planToJson(p, { secretKeys }));
    else {
      const color = colorsFor(io, "stdout", opts).isColorSupported;
      writeLine(io.stdout, formatPlanText(p, { color, verbose: opts.verbose ?? false, secretKeys }));
    }
    if (p.conflicts.length > 0) {
      reportConflicts(io, p.conflicts, opts);
      return 1;
    }
    return hasChanges(p) ? 2 : 0;
  });
}
