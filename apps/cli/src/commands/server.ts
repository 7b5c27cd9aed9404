/**
 * Commands that talk to a Switchboard server's /api/v1 (Git → Switchboard): `propose` opens a change
 * request from a state file for review, `wait` follows one until it is deployed. The API token comes
 * from SWITCHBOARD_TOKEN only (a flag would land in shell history and `ps`), and is never printed.
 */
import { readFile, stat } from "node:fs/promises";
import { toStateFile } from "@switchboard/engine/load";
import type { CliIo, OutputOptions } from "../context";
import { resolvePath } from "../context";
import { loadFromArgument } from "../desired";
import { CliError } from "../errors";
import { colorsFor, writeJson, writeLine } from "../output";
import { reportProblems } from "../planning";

export type ServerOptions = OutputOptions & { server?: string };
export type ProposeCommandOptions = ServerOptions & { cluster: string; team?: string; title?: string; source?: string };
export type WaitCommandOptions = ServerOptions & { timeout: number; interval: number };

type Answer = { status: number; body: any };

function serverClient(io: CliIo, opts: ServerOptions) {
  const base = (opts.server ?? io.env.SWITCHBOARD_SERVER ?? "").replace(/\/+$/, "");
  if (!base) throw new CliError("no server given", "pass --server https://switchboard.example.com (or set SWITCHBOARD_SERVER)");
  const token = io.env.SWITCHBOARD_TOKEN;
  if (!token) throw new CliError("SWITCHBOARD_TOKEN is not set", "create a token under Settings → API tokens and export it as SWITCHBOARD_TOKEN");
  return async (method: "GET" | "POST", path: string, body?: unknown): Promise<Answer> => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new CliError(`could not reach ${base}${cause ? ` (${cause})` : ""}`);
    }
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`${base} answered ${res.status} with something other than JSON; is it a Switchboard server?`);
    }
    return { status: res.status, body: parsed };
  };
}

/** An error answer as one line (its details, e.g. a state file's problems, are printed by the caller). */
function failed(answer: Answer, what: string): CliError {
  const error = answer.body?.error as { code?: string; message?: string } | undefined;
  return new CliError(`${what}: ${error?.message ?? `the server answered ${answer.status}`}${error?.code ? ` (${error.code})` : ""}`);
}

const SYMBOL: Record<string, string> = { create: "+", update: "~", delete: "-", pause: "⏸", resume: "▶", stop: "■", restart: "↻", skip: "!", noop: "=" };

/**
 * `switchboard propose <path> --server URL --cluster <id|name>`: validates the file or directory
 * with the same loader as `validate`, then opens a change request for review on the server (it never
 * deploys), prints the plan the server computed against the live cluster and the review link. Run
 * again with the same --source (default: the path), it updates that change request while it is open.
 */
export async function proposeCommand(path: string, opts: ProposeCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) {
    reportProblems(io, path, loaded.problems, opts, "; nothing was proposed");
    return 1;
  }
  const call = serverClient(io, opts);
  // A file goes as written, so the server's problems point at its lines; a directory as one canonical file.
  const absolute = resolvePath(io, path);
  const text = (await stat(absolute)).isDirectory() ? toStateFile(loaded.desired.connectors) : await readFile(absolute, "utf8");

  const clusters = await call("GET", "/clusters");
  if (clusters.status !== 200) throw failed(clusters, "could not list clusters");
  const cluster = (clusters.body.items as Array<{ id: string; name: string }>).find((c) => c.id === opts.cluster || c.name === opts.cluster);
  if (!cluster) throw new CliError(`no cluster ${opts.cluster} on the server`, `one of: ${(clusters.body.items as Array<{ name: string }>).map((c) => c.name).join(", ")}`);
  let team = opts.team;
  if (!team) {
    const me = await call("GET", "/me");
    const teams = (me.body?.user?.teamIds ?? []) as string[];
    if (teams.length !== 1) throw new CliError("which team owns new connectors?", "pass --team <team id>");
    team = teams[0];
  }

  const answer = await call("POST", `/clusters/${encodeURIComponent(cluster.id)}/sync`, { text, teamId: team, mode: "propose", source: opts.source ?? path, ...(opts.title ? { title: opts.title } : {}) });
  if (answer.status === 400 && Array.isArray(answer.body?.error?.details)) {
    const c = colorsFor(io, "stderr", opts);
    for (const d of answer.body.error.details as Array<{ message: string; line?: number; column?: number }>) {
      writeLine(io.stderr, `${c.red("✗")} ${path}${d.line ? `:${d.line}:${d.column ?? 1}` : ""}: ${d.message}`);
    }
    if (opts.json) writeJson(io, { ok: false, problems: answer.body.error.details });
    throw failed(answer, "the server refused the state file");
  }
  if (answer.status !== 200 && answer.status !== 202) throw failed(answer, "could not propose");
  if (opts.json) {
    writeJson(io, answer.body);
    return 0;
  }
  const c = colorsFor(io, "stdout", opts);
  const body = answer.body as { outcome: string; changeRequestId: string | null; reviewUrl: string | null; plan: Array<{ kind: string; name: string; reason: string }> };
  if (body.outcome === "unchanged") {
    writeLine(io.stdout, `${c.green("✓")} nothing to propose: every connector in ${path} matches ${cluster.name}`);
    return 0;
  }
  for (const a of body.plan) if (a.kind !== "noop" || opts.verbose) writeLine(io.stdout, `${SYMBOL[a.kind] ?? "?"} ${a.name} ${c.dim(`(${a.reason})`)}`);
  writeLine(io.stdout, `\nChange request ${body.changeRequestId} is in review on ${cluster.name}: ${body.reviewUrl}`);
  return 0;
}

const FINAL: Record<string, number> = { deployed: 0, failed: 1, rejected: 1, cancelled: 1 };

/**
 * `switchboard wait <id>`: polls the change request until it is deployed (exit 0), failed, rejected
 * or cancelled (1), or the timeout passes (2); each status change on stderr.
 */
export async function waitCommand(id: string, opts: WaitCommandOptions, io: CliIo): Promise<number> {
  const call = serverClient(io, opts);
  const c = colorsFor(io, "stderr", opts);
  const deadline = Date.now() + opts.timeout;
  let last = "";
  for (;;) {
    const answer = await call("GET", `/change-requests/${encodeURIComponent(id)}`);
    if (answer.status !== 200) throw failed(answer, `could not read change request ${id}`);
    const status = answer.body.status as string;
    if (status !== last) writeLine(io.stderr, `${c.dim(new Date().toISOString())} ${id}: ${status}${answer.body.statusNote ? ` (${answer.body.statusNote})` : ""}`);
    last = status;
    const code = FINAL[status];
    if (code !== undefined || Date.now() >= deadline) {
      const exit = code ?? 2;
      if (opts.json) writeJson(io, { id, status, timedOut: code === undefined });
      else if (code === undefined) writeLine(io.stderr, `${c.yellow("!")} still ${status} after ${Math.round(opts.timeout / 1000)} s`);
      return exit;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(opts.interval, Math.max(0, deadline - Date.now()))));
  }
}
