import { readMark } from "@switchboard/engine/managed";
import { withCluster, type ClusterOptions } from "../cluster";
import type { CliIo, OutputOptions } from "../context";
import { colorsFor, healthOf, renderStatus, writeJson, writeLine, type StatusRow } from "../output";

export type StatusCommandOptions = OutputOptions & ClusterOptions & {
  /** `--drift <path>`: list the connectors that drifted from these definitions instead (see drift-status.ts). */
  drift?: string;
};

/**
 * `switchboard status`: running / paused / stopped / failed connectors (seed 001), failed tasks with
 * the first line of their trace. Configs are never printed (they may hold secrets). Exit 0.
 */
export async function statusCommand(opts: StatusCommandOptions, io: CliIo): Promise<number> {
  if (opts.drift !== undefined) return (await import("./drift-status")).driftStatusCommand(opts.drift, opts, io);
  const connectors = await withCluster(opts, io, (cluster) => cluster.connect.listConnectors());
  const rows: StatusRow[] = connectors.map((c) => ({ connector: c, health: healthOf(c), managed: readMark(c.config) }));
  if (opts.json) {
    const named = (...states: string[]) => rows.filter((r) => states.includes(r.health)).map((r) => r.connector.name);
    writeJson(io, {
      running: named("RUNNING"),
      paused: named("PAUSED"),
      stopped: named("STOPPED"),
      failed: named("FAILED"),
      degraded: named("DEGRADED"),
      other: named("UNASSIGNED", "RESTARTING"),
      connectors: rows.map((r) => ({
        name: r.connector.name,
        type: r.connector.type,
        state: r.connector.state,
        health: r.health,
        ...(r.connector.trace ? { trace: r.connector.trace } : {}),
        tasks: r.connector.tasks.map((t) => ({ id: t.id, state: t.state, ...(t.trace ? { trace: t.trace } : {}) })),
        managed: r.managed,
      })),
    });
  } else {
    writeLine(io.stdout, renderStatus(rows, colorsFor(io, "stdout", opts)));
  }
  return 0;
}
