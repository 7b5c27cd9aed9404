import { createLogUpdate } from "log-update";
import pc from "picocolors";
import type { ApplyEvent, ApplyReport } from "@switchboard/engine/apply";
import type { ObservedConnector, PlanAction, Problem } from "@switchboard/engine/model";
import { formatProblem } from "@switchboard/engine/problems";
import type { CliIo, OutputOptions } from "./context";

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only on a terminal, never with NO_COLOR (any non-empty value, see no-color.org) or
 * --no-color; FORCE_COLOR turns it on for CI logs that render ANSI.
 */
export function colorsFor(io: CliIo, stream: "stdout" | "stderr", opts: OutputOptions): Colors {
  const force = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0" && io.env.FORCE_COLOR !== "false";
  const enabled = opts.color !== false && !io.env.NO_COLOR && (io.isTTY[stream] || force);
  return pc.createColors(enabled);
}

/** Writes text plus a newline (unless the text already ends with one). */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Writes a value as the one JSON document of stdout. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Problems as `file:line:col: message`, hint lines dimmed. */
export function renderProblems(problems: readonly Problem[], c: Colors): string {
  return problems
    .map((p) => {
      const [head = "", ...rest] = formatProblem(p).split("\n");
      return [c.red(head), ...rest.map((line) => c.dim(line))].join("\n");
    })
    .join("\n");
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split("\n", 1)[0]?.trim() || undefined;
}

// ---- apply report ----

const REPORT_LISTS = ["added", "removed", "updated", "paused", "resumed", "stopped", "restarted", "skipped", "unmanaged"] as const;

/**
 * The final apply report, after the lists of the original `sync` (added, removed, updated, paused,
 * resumed, stopped, restarted, skipped, unmanaged), then the verification outcome and the failures.
 */
export function renderReport(report: ApplyReport, c: Colors): string {
  const lines: string[] = [];
  lines.push(
    report.ok
      ? c.green(c.bold(`Apply succeeded in ${formatDuration(report.durationMs)}.`))
      : c.red(c.bold(`Apply failed after ${formatDuration(report.durationMs)}.`)),
  );
  for (const key of REPORT_LISTS) {
    const names = report[key];
    lines.push(`  ${key.padEnd(10)} ${names.length > 0 ? names.join(", ") : c.dim("-")}`);
  }
  if (report.topicsCreated.length > 0) lines.push(`  ${"topics +".padEnd(10)} ${report.topicsCreated.join(", ")}`);
  if (report.topicsDeleted.length > 0) lines.push(`  ${"topics -".padEnd(10)} ${report.topicsDeleted.join(", ")}`);
  if (report.notAttempted.length > 0) lines.push(`  ${c.yellow("untouched".padEnd(10))} ${report.notAttempted.join(", ")} ${c.dim("(not attempted: the apply halted)")}`);

  const v = report.verification;
  const checked = v.connectors.length;
  const bad = v.connectors.filter((o) => !o.ok);
  lines.push(
    v.ok
      ? `${c.green("✓")} Verification ok: ${plural(checked, "connector")} in the desired state (${formatDuration(v.durationMs)})`
      : `${c.red("✗")} Verification failed: ${bad.length} of ${plural(checked, "connector")} not in the desired state (${formatDuration(v.durationMs)})`,
  );

  const failures = [...report.failures];
  for (const o of bad) {
    if (!failures.some((f) => f.name === o.name)) {
      failures.push({ name: o.name, kind: "verify", error: o.reason ?? `expected ${o.expected}, observed ${o.observed}` });
    }
  }
  if (failures.length > 0) {
    lines.push("Failures:");
    for (const f of failures) lines.push(`  ${c.red("✗")} ${f.kind} ${c.bold(f.name)}: ${firstLine(f.error) ?? f.error}`);
  }
  return lines.join("\n");
}

/** A report for a plan with nothing to do, so `apply --json` always prints the same document shape. */
export function emptyReport(now: Date = new Date()): ApplyReport {
  const at = now.toISOString();
  return {
    ok: true,
    added: [],
    removed: [],
    updated: [],
    paused: [],
    resumed: [],
    stopped: [],
    restarted: [],
    skipped: [],
    unmanaged: [],
    notAttempted: [],
    topicsCreated: [],
    topicsDeleted: [],
    failures: [],
    verification: { ok: true, durationMs: 0, connectors: [] },
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
  };
}

// ---- status ----

export type Health = "RUNNING" | "DEGRADED" | "FAILED" | "PAUSED" | "STOPPED" | "UNASSIGNED" | "RESTARTING";

/** A connector's health: FAILED when the connector failed, DEGRADED when it runs with failed tasks. */
export function healthOf(c: ObservedConnector): Health {
  if (c.state === "FAILED") return "FAILED";
  if (c.state === "RUNNING" && c.tasks.some((t) => t.state === "FAILED")) return "DEGRADED";
  return c.state;
}

const HEALTH_ORDER: Health[] = ["FAILED", "DEGRADED", "RESTARTING", "UNASSIGNED", "RUNNING", "PAUSED", "STOPPED"];

function colorHealth(h: Health, text: string, c: Colors): string {
  if (h === "FAILED") return c.red(text);
  if (h === "DEGRADED" || h === "RESTARTING" || h === "UNASSIGNED") return c.yellow(text);
  if (h === "RUNNING") return c.green(text);
  return c.cyan(text);
}

export type StatusRow = { connector: ObservedConnector; health: Health; managed: { id: string; version?: number } | null };

/** A kubectl-like table, failing connectors first, then the first trace line of each failure. */
export function renderStatus(rows: readonly StatusRow[], c: Colors): string {
  if (rows.length === 0) return "No connectors on this cluster.";
  const count = (h: Health) => rows.filter((r) => r.health === h).length;
  const lines: string[] = [];
  lines.push(
    `${plural(rows.length, "connector")}: ${count("RUNNING")} running, ${count("PAUSED")} paused, ${count("STOPPED")} stopped, ` +
      `${count("FAILED")} failed, ${count("DEGRADED")} degraded`,
  );
  const sorted = [...rows].sort(
    (a, b) => HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) || (a.connector.name < b.connector.name ? -1 : 1),
  );
  const table = sorted.map((r) => {
    const running = r.connector.tasks.filter((t) => t.state === "RUNNING").length;
    const managed = r.managed ? `${r.managed.id}${r.managed.version !== undefined ? `@${r.managed.version}` : ""}` : "-";
    return { health: r.health, cells: [r.connector.name, r.health, `${running}/${r.connector.tasks.length}`, r.connector.type, managed] };
  });
  const header = ["NAME", "STATE", "TASKS", "TYPE", "MANAGED"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row.cells[i]?.length ?? 0)));
  const pad = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ");
  lines.push(c.dim(pad(header)));
  for (const row of table) {
    const [name = "", health = "", ...rest] = row.cells;
    const cells = pad([name, health, ...rest]);
    // Colour only the state column; padding is computed on the plain text so columns stay aligned.
    const at = (widths[0] ?? 0) + 2;
    lines.push(cells.slice(0, at) + colorHealth(row.health, health, c) + cells.slice(at + health.length));
  }

  const failures: string[] = [];
  for (const r of sorted) {
    if (r.connector.state === "FAILED") failures.push(`  ${c.bold(r.connector.name)}: ${firstLine(r.connector.trace) ?? "connector FAILED"}`);
    for (const t of r.connector.tasks) {
      if (t.state === "FAILED") failures.push(`  ${c.bold(r.connector.name)} task ${t.id}: ${firstLine(t.trace) ?? "FAILED"}`);
    }
  }
  if (failures.length > 0) lines.push("", c.red("Failures:"), ...failures);
  return lines.join("\n");
}

// ---- apply progress ----

export type Progress = {
  onEvent(e: ApplyEvent): void;
  /** A message that stays in the scrollback (a live display keeps redrawing below it). */
  note(text: string): void;
  finish(): void;
};

type StepStatus = "running" | "done" | "uncertain" | "failed";
type Step = { name: string; kind: PlanAction["kind"]; status: StepStatus; error?: string };

/**
 * Apply progress on stderr: on a terminal a live list of steps with a status word, redrawn in place;
 * elsewhere (CI logs) one plain line per event.
 */
export function createProgress(io: CliIo, c: Colors): Progress {
  return io.isTTY.stderr ? liveProgress(io, c) : lineProgress(io);
}

function lineProgress(io: CliIo): Progress {
  let lastVerify = "";
  const say = (text: string) => writeLine(io.stderr, text);
  return {
    onEvent(e) {
      switch (e.type) {
        case "start":
          say(`applying ${plural(e.total, "change")}`);
          break;
        case "step-start":
          say(`${e.kind} ${e.name}: started`);
          break;
        case "step-done":
          say(e.uncertain ? `${e.kind} ${e.name}: uncertain (${firstLine(e.error) ?? "no answer"}); verification decides` : `${e.kind} ${e.name}: done`);
          break;
        case "step-failed":
          say(`${e.kind} ${e.name}: failed: ${firstLine(e.error) ?? e.error}`);
          break;
        case "topics":
          say(`topics: created ${e.created.join(", ") || "none"}; deleted ${e.deleted.join(", ") || "none"}`);
          break;
        case "verify-start":
          say(`verifying ${plural(e.connectors, "connector")}`);
          break;
        case "verify-progress": {
          // Polls repeat every second; only changes are worth a line in a CI log.
          const line = `verifying: ${e.ready}/${e.total} ready${e.pending.length > 0 ? `, waiting for ${e.pending.join(", ")}` : ""}`;
          if (line !== lastVerify) say(line);
          lastVerify = line;
          break;
        }
        case "verify-done":
          say(e.ok ? "verification ok" : "verification failed");
          break;
      }
    },
    note: say,
    finish() {},
  };
}

function liveProgress(io: CliIo, c: Colors): Progress {
  const log = createLogUpdate(io.stderr as NodeJS.WriteStream, { showCursor: true });
  const steps = new Map<string, Step>();
  let total = 0;
  let topics = "";
  let verify = "";

  const word = (s: StepStatus) =>
    s === "done" ? c.green("done") : s === "failed" ? c.red("failed") : s === "uncertain" ? c.yellow("uncertain") : c.cyan("running");

  const render = () => {
    const finished = [...steps.values()].filter((s) => s.status !== "running").length;
    const kindWidth = Math.max(4, ...[...steps.values()].map((s) => s.kind.length));
    const nameWidth = Math.min(48, Math.max(4, ...[...steps.values()].map((s) => s.name.length)));
    const lines = [c.bold(`Applying ${plural(total, "change")} (${finished}/${total} done)`)];
    // A redrawn block taller than the terminal cannot be cleared; past that, finished steps fold into a count.
    const room = ((io.stderr as NodeJS.WriteStream).rows || 24) - 4;
    const all = [...steps.values()];
    const shown = all.length > room ? all.filter((s) => s.status !== "done").slice(-room) : all;
    if (shown.length < all.length) lines.push(c.dim(`  ... and ${all.length - shown.length} more`));
    for (const s of shown) {
      const detail = s.error ? c.dim(` ${firstLine(s.error)}`) : "";
      lines.push(`  ${s.kind.padEnd(kindWidth)}  ${s.name.padEnd(nameWidth)}  ${word(s.status)}${detail}`);
    }
    if (topics) lines.push(topics);
    if (verify) lines.push(verify);
    log(lines.join("\n"));
  };

  return {
    onEvent(e) {
      const key = "name" in e ? `${e.kind} ${e.name}` : "";
      switch (e.type) {
        case "start":
          total = e.total;
          break;
        case "step-start":
          steps.set(key, { name: e.name, kind: e.kind, status: "running" });
          break;
        case "step-done":
          steps.set(key, {
            name: e.name,
            kind: e.kind,
            status: e.uncertain ? "uncertain" : "done",
            ...(e.uncertain && e.error ? { error: e.error } : {}),
          });
          break;
        case "step-failed":
          steps.set(key, { name: e.name, kind: e.kind, status: "failed", error: e.error });
          break;
        case "topics":
          topics = `Topics: created ${e.created.join(", ") || "none"}; deleted ${e.deleted.join(", ") || "none"}`;
          break;
        case "verify-start":
          verify = `Verifying ${plural(e.connectors, "connector")}...`;
          break;
        case "verify-progress":
          verify = `Verifying: ${e.ready}/${e.total} ready${e.pending.length > 0 ? c.dim(`, waiting for ${e.pending.join(", ")}`) : ""}`;
          break;
        case "verify-done":
          verify = e.ok ? `${c.green("✓")} Verification ok` : `${c.red("✗")} Verification failed`;
          break;
      }
      render();
    },
    note(text) {
      log.persist(text);
    },
    finish() {
      log.done();
    },
  };
}
