import type { Problem } from "@switchboard/engine/model";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";
import { withCluster, type ClusterOptions } from "../cluster";
import type { CliIo, OutputOptions } from "../context";
import { loadFromArgument } from "../desired";
import { colorsFor, plural, writeJson, writeLine } from "../output";
import { reportProblems } from "../planning";

export type ValidateCommandOptions = OutputOptions & ClusterOptions;

/**
 * `switchboard validate <path>`: the file or directory alone, and with --connect (or
 * SWITCHBOARD_CONNECT) also against the cluster's plugins and validator. Exit 0 valid, 1 invalid.
 */
export async function validateCommand(path: string, opts: ValidateCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) return invalid(io, path, loaded.problems, opts);

  const useCluster = Boolean(opts.connect ?? io.env.SWITCHBOARD_CONNECT);
  if (useCluster) {
    const { problems } = await withCluster(opts, io, async (cluster) => {
      // The validator reports an unreachable cluster as a problem; reading first gives the clearer error.
      await cluster.connect.listPlugins();
      return validateAgainstCluster(loaded.desired, cluster.connect);
    });
    if (problems.length > 0) return invalid(io, path, loaded.show(problems), opts);
  }

  const count = loaded.desired.connectors.length;
  if (opts.json) {
    writeJson(io, { ok: true, format: loaded.format, connectors: count, checkedAgainstCluster: useCluster, problems: [] });
  } else {
    const c = colorsFor(io, "stdout", opts);
    const where = useCluster ? ", accepted by the cluster" : "";
    writeLine(io.stdout, `${c.green("✓")} ${plural(count, "connector")} valid (${loaded.format}${where})`);
  }
  return 0;
}

function invalid(io: CliIo, path: string, problems: Problem[], opts: ValidateCommandOptions): number {
  reportProblems(io, path, problems, opts, "");
  return 1;
}
