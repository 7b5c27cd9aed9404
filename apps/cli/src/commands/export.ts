import { writeFile } from "node:fs/promises";
import { toStateFile } from "@switchboard/engine/load";
import { observedUserConfig, readMark } from "@switchboard/engine/managed";
import { isConfigProviderReference, isSecretKey, maskConfig } from "@switchboard/engine/secrets";
import type { ConnectorSpec, DesiredRunState, ObservedConnector } from "@switchboard/engine/model";
import { withCluster, type ClusterOptions } from "../cluster";
import { resolvePath, type CliIo, type OutputOptions } from "../context";
import { CliError } from "../errors";
import { colorsFor, plural, writeLine } from "../output";

export type ExportCommandOptions = Omit<OutputOptions, "json"> & ClusterOptions & { out?: string; all?: boolean; maskSecrets?: boolean };

/**
 * `switchboard export`: the cluster's connectors as a canonical state file, to adopt a cluster or to
 * snapshot it. Managed connectors keep their id and version; with --all unmanaged ones are included
 * with id = name and version 1 (applying them needs --take-over). Connectors the old toolchain
 * stamped (`id` and `version` inside the config) keep that id and version, without those two keys in
 * the exported config. Secret values are written as Connect returns them (re-applying needs
 * them) with a warning, or masked with --mask-secrets.
 */
export async function exportCommand(opts: ExportCommandOptions, io: CliIo): Promise<number> {
  const c = colorsFor(io, "stderr", opts);
  const observed = await withCluster(opts, io, (cluster) => cluster.connect.listConnectors());

  const specs: ConnectorSpec[] = [];
  const leftOut: string[] = [];
  const noConfig: string[] = [];
  const secrets: string[] = [];
  for (const connector of observed) {
    if (!connector.config) {
      noConfig.push(connector.name);
      continue;
    }
    const mark = readMark(connector.config);
    if (!mark && !opts.all) {
      leftOut.push(connector.name);
      continue;
    }
    const config = observedUserConfig(connector.config);
    for (const [key, value] of Object.entries(config)) {
      if (isSecretKey(key) && !isConfigProviderReference(value)) secrets.push(`${connector.name}: ${key}`);
    }
    specs.push({
      id: mark?.id ?? connector.name,
      name: connector.name,
      ...(mark ? (mark.version !== undefined ? { version: mark.version } : {}) : { version: 1 }),
      state: runState(connector),
      config: opts.maskSecrets ? maskConfig(config) : config,
    });
  }

  const text = toStateFile(specs);
  if (opts.out) {
    try {
      await writeFile(resolvePath(io, opts.out), text);
    } catch (err) {
      throw new CliError(`cannot write ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    writeLine(io.stderr, `${c.green("✓")} wrote ${plural(specs.length, "connector")} to ${opts.out}`);
  } else {
    io.stdout.write(text);
  }

  if (leftOut.length > 0) {
    writeLine(
      io.stderr,
      `note: ${plural(leftOut.length, "unmanaged connector")} left out (${leftOut.join(", ")}); add --all to adopt them (then apply with --take-over)`,
    );
  }
  if (noConfig.length > 0) {
    writeLine(io.stderr, `${c.yellow("warning:")} Connect returned no config for ${noConfig.join(", ")}; not exported (try again)`);
  }
  if (secrets.length > 0) {
    writeLine(
      io.stderr,
      opts.maskSecrets
        ? `${c.yellow("warning:")} secret values were masked (${secrets.join(", ")}); replace them, e.g. with \${env:...} or \${file:...} references, before applying`
        : `${c.yellow("warning:")} the export holds secret values (${secrets.join(", ")}); keep it out of git, or use --mask-secrets`,
    );
  }
  return 0;
}

function runState(c: ObservedConnector): DesiredRunState {
  return c.state === "PAUSED" || c.state === "STOPPED" ? c.state : "RUNNING";
}
