import { describeDrift, driftOfDefinitions } from "@switchboard/engine/drift";
import { withCluster } from "../cluster";
import type { CliIo } from "../context";
import { loadFromArgument } from "../desired";
import { colorsFor, plural, writeJson, writeLine } from "../output";
import { reportProblems } from "../planning";
import type { StatusCommandOptions } from "./status";

/** Exit code of `status --drift` when some connector drifted (0: in step, 1: error). */
export const DRIFT_FOUND = 3;

/**
 * `switchboard status --drift <path>`: the connectors whose live copy no longer matches their
 * definition at the version they carry (config keys by name, run state), changed behind the
 * definitions' back. Values are never printed: configs may hold secrets. A definition whose version
 * the cluster does not run yet is pending (see `plan`), not drift.
 */
export async function driftStatusCommand(path: string, opts: StatusCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) {
    reportProblems(io, path, loaded.problems, opts, "");
    return 1;
  }
  const observed = await withCluster(opts, io, (cluster) => cluster.connect.listConnectors());
  const result = driftOfDefinitions(loaded.desired, observed);
  if (opts.json) {
    writeJson(io, { ...result, drifted: result.drifted.map((d) => ({ ...d, what: describeDrift(d.report) })) });
  } else {
    const c = colorsFor(io, "stdout", opts);
    for (const d of result.drifted) {
      writeLine(io.stdout, `${c.yellow("≠")} ${c.bold(d.name)} ${c.dim(`(${d.id})`)}`);
      for (const line of describeDrift(d.report)) writeLine(io.stdout, `    ${line}`);
    }
    for (const name of result.behind) writeLine(io.stdout, c.dim(`  ${name}: the cluster runs a newer version than the definition; not compared`));
    writeLine(
      io.stdout,
      `${result.drifted.length > 0 ? c.yellow(plural(result.drifted.length, "connector") + " drifted") : c.green("No drift")}; ${result.inStep.length} in step, ${result.pending.length} pending (see plan), ${result.behind.length} behind.`,
    );
  }
  return result.drifted.length > 0 ? DRIFT_FOUND : 0;
}
