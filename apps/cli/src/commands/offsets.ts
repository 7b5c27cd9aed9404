import { readFile } from "node:fs/promises";
import { applyOffsetChange, connectorOffsetsSchema, type OffsetChange } from "@switchboard/engine/offsets";
import type { ConnectorOffset } from "@switchboard/engine/port";
import { withCluster, type ClusterOptions } from "../cluster";
import { resolvePath, type CliIo, type OutputOptions } from "../context";
import { CliError } from "../errors";
import { colorsFor, writeJson, writeLine } from "../output";

export type OffsetsCommandOptions = OutputOptions & ClusterOptions & { reset?: boolean; set?: string; yes?: boolean };

/** `kafka_topic=orders kafka_partition=0`: a partition or offset map on one line. */
function describeMap(map: Record<string, unknown> | null): string {
  if (map === null) return "(none)";
  return Object.entries(map)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function renderOffsets(offsets: readonly ConnectorOffset[]): string {
  if (offsets.length === 0) return "  (no committed offsets)";
  return offsets.map((o) => `  ${describeMap(o.partition)}  →  ${describeMap(o.offset)}`).join("\n");
}

/** Reads and checks the partitions of `--set <file>` with the same bounds the web app applies. */
async function readOffsetsFile(io: CliIo, path: string): Promise<ConnectorOffset[]> {
  let text: string;
  try {
    text = await readFile(resolvePath(io, path), "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path}: not valid JSON: ${(err as Error).message}`, 'expected [{"partition": {...}, "offset": {...}}, ...] as Connect\'s PATCH /offsets takes them');
  }
  const parsed = connectorOffsetsSchema.safeParse(Array.isArray(json) ? json : (json as { offsets?: unknown } | null)?.offsets);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${path}: ${issue?.path.length ? `[${issue.path.join("][")}] ` : ""}${issue?.message ?? "invalid offsets"}`, 'expected [{"partition": {...}, "offset": {...}}, ...]');
  }
  return parsed.data;
}

/**
 * `switchboard offsets <connector>`: its committed offsets (KIP-875). With `--reset` or `--set <file>`
 * (and `--yes`): stop it, print the snapshot, reset or alter, check while stopped, and bring it back to
 * the run state it had. Exit 0 when done (or only read), 1 otherwise.
 */
export async function offsetsCommand(name: string, opts: OffsetsCommandOptions, io: CliIo): Promise<number> {
  if (opts.reset && opts.set !== undefined) throw new CliError("--reset and --set do not go together", "pick one");
  const requested = opts.set !== undefined ? await readOffsetsFile(io, opts.set) : [];
  const changing = opts.reset === true || opts.set !== undefined;
  if (changing && !opts.yes) throw new CliError("refusing to change offsets without --yes", "the connector is stopped while its offsets change; re-run with --yes");
  const c = colorsFor(io, "stdout", opts);
  return withCluster(opts, io, async (cluster) => {
    const observed = await cluster.connect.getConnector(name);
    if (!observed) throw new CliError(`no connector named ${name} on the cluster`);
    if (!changing) {
      const offsets = await cluster.connect.getOffsets(name);
      if (opts.json) writeJson(io, { connector: name, type: observed.type, offsets });
      else writeLine(io.stdout, `${c.bold(name)} (${observed.type}, ${observed.state})\n${renderOffsets(offsets)}`);
      return 0;
    }
    // Brought back to the run state it has now; a FAILED or unassigned connector is asked to run.
    const state = observed.state === "PAUSED" || observed.state === "STOPPED" ? observed.state : "RUNNING";
    const change: OffsetChange = { name, kind: opts.reset ? "reset" : "set", offsets: requested, state };
    const outcome = await applyOffsetChange(change, cluster.connect, {
      onEvent: (e) => {
        if (e.type === "offsets-snapshot" && !opts.json) writeLine(io.stderr, `snapshot of ${name} before the change:\n${renderOffsets(e.offsets)}`);
      },
    });
    if (opts.json) writeJson(io, outcome);
    else if (outcome.ok) writeLine(io.stdout, `${c.green("✓")} offsets of ${name} ${change.kind === "reset" ? "reset" : "set"}; now:\n${renderOffsets(outcome.after ?? [])}\nback to ${outcome.restored}`);
    else writeLine(io.stderr, `${c.red("✗")} offsets of ${name} not changed as asked: ${outcome.error ?? "unknown"}`);
    return outcome.ok ? 0 : 1;
  });
}
