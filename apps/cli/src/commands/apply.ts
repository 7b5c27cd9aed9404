import { createInterface } from "node:readline/promises";
import { applyPlan, type ApplyReport } from "@switchboard/engine/apply";
import { formatPlanText } from "@switchboard/engine/format";
import { readMark } from "@switchboard/engine/managed";
import { hasChanges } from "@switchboard/engine/plan";
import { withCluster, type Cluster, type ClusterOptions } from "../cluster";
import type { CliIo, OutputOptions } from "../context";
import { CliError } from "../errors";
import { colorsFor, createProgress, emptyReport, plural, renderReport, writeJson, writeLine } from "../output";
import { planAgainstCluster, reportConflicts, type PlanRequest } from "../planning";

export type ApplyCommandOptions = OutputOptions &
  ClusterOptions &
  Pick<PlanRequest, "prune" | "scope" | "takeOver"> & { yes?: boolean; force?: boolean; concurrency?: number; rate?: number; haltAfter?: number; verifyTimeout?: number };

/** How many live connectors a Switchboard server deploys (stamped managed by `web/<clusterId>`). */
async function countGoverned(cluster: Cluster): Promise<number> {
  const live = await cluster.connect.listConnectors();
  return live.filter((c) => readMark(c.config)?.manager?.startsWith("web/")).length;
}

/**
 * A cluster a Switchboard server deploys to is governed: its changes go through review there, so a
 * direct apply is refused before anything is touched, unless --force (then a warning says so).
 */
async function refuseGoverned(io: CliIo, cluster: Cluster, opts: ApplyCommandOptions): Promise<void> {
  const governed = await countGoverned(cluster);
  if (governed === 0) return;
  const what = `${plural(governed, "connector")} on this cluster ${governed === 1 ? "is" : "are"} governed by a Switchboard server (managed by web/...)`;
  if (!opts.force) throw new CliError(`refusing to apply directly: ${what}`, "propose it with `switchboard propose --server …` (then `switchboard apply --server …` once approved) or pass --force");
  writeLine(io.stderr, `${colorsFor(io, "stderr", opts).yellow("warning:")} --force: applying directly although ${what}; the change bypasses its review`);
}

/**
 * `switchboard apply <path>`: plan, confirm (or --yes), apply with live progress, verify, report.
 * A plan with conflicts is refused before anything is touched, so is a cluster a Switchboard server
 * governs (unless --force). Exit 0 when applied and verified (or nothing to do), 1 otherwise.
 */
export async function applyCommand(path: string, opts: ApplyCommandOptions, io: CliIo): Promise<number> {
  return withCluster(opts, io, async (cluster) => {
    await refuseGoverned(io, cluster, opts);
    const planned = await planAgainstCluster(io, path, cluster, opts);
    if (!planned) return 1;
    const { plan: p, secretKeys } = planned;

    // With --json stdout holds only the report, so the plan goes to stderr.
    const planStream = opts.json ? io.stderr : io.stdout;
    const planColors = colorsFor(io, opts.json ? "stderr" : "stdout", opts);
    writeLine(planStream, formatPlanText(p, { color: planColors.isColorSupported, verbose: opts.verbose ?? false, secretKeys }));

    // Applying the rest could leave a half-done change: nothing is applied.
    if (p.conflicts.length > 0) {
      reportConflicts(io, p.conflicts, opts);
      if (opts.json) writeJson(io, { ok: false, conflicts: p.conflicts });
      return 1;
    }

    // The plan text already ends in "No changes."
    if (!hasChanges(p)) {
      if (opts.json) {
        const skipped = p.actions.filter((a) => a.kind === "skip").map((a) => a.name);
        writeJson(io, { ...emptyReport(), skipped, unmanaged: [...p.unmanaged] });
      }
      return 0;
    }

    if (!opts.yes) {
      if (!io.isTTY.stdin) {
        throw new CliError(
          "refusing to apply without --yes when stdin is not a terminal",
          "review the plan (switchboard plan), then re-run apply with --yes",
        );
      }
      if (!(await confirm(io))) {
        writeLine(io.stderr, "Apply cancelled; nothing was changed.");
        return 1;
      }
    }

    const controller = new AbortController();
    const progress = createProgress(io, colorsFor(io, "stderr", opts));
    const unsubscribe = io.onInterrupt?.(() => {
      controller.abort();
      progress.note("interrupted: finishing the steps under way, then verifying (Ctrl-C again to quit now)");
    });
    let report: ApplyReport;
    try {
      report = await applyPlan(p, cluster.connect, {
        ...io.services?.applyTiming,
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        ...(opts.rate !== undefined ? { ratePerSecond: opts.rate } : {}),
        ...(opts.haltAfter !== undefined ? { haltAfterFailures: opts.haltAfter } : {}),
        ...(opts.verifyTimeout !== undefined ? { verifyTimeoutMs: opts.verifyTimeout } : {}),
        ...(cluster.topics ? { topics: cluster.topics } : {}),
        onEvent: (e) => progress.onEvent(e),
        signal: controller.signal,
      });
    } finally {
      progress.finish();
      unsubscribe?.();
    }
    if (opts.json) writeJson(io, report);
    else writeLine(io.stdout, renderReport(report, colorsFor(io, "stdout", opts)));
    return report.ok ? 0 : 1;
  });
}

/** Terraform's habit: only the exact word "yes" applies. Ctrl-C at the prompt cancels. */
async function confirm(io: CliIo): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  const controller = new AbortController();
  rl.on("SIGINT", () => controller.abort());
  try {
    const answer = await rl.question("Apply these changes? Type 'yes' to confirm: ", { signal: controller.signal });
    return answer.trim() === "yes";
  } catch {
    writeLine(io.stderr, "");
    return false;
  } finally {
    rl.close();
  }
}
