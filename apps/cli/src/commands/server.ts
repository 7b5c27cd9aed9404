/**
 * Commands that talk to a Switchboard server's /api/v1 (Git → Switchboard): `propose` opens a change
 * request from a state file for review, `wait` follows one until it is deployed, `apply --server`
 * deploys the approved change request of a state file. The API token comes from SWITCHBOARD_TOKEN
 * only (a flag would land in shell history and `ps`), and is never printed.
 */
import { readFile, stat } from "node:fs/promises";
import { keyChangeLine } from "@switchboard/engine/format";
import { toStateFile } from "@switchboard/engine/load";
import type { KeyChange } from "@switchboard/engine/model";
import type { CliIo, OutputOptions } from "../context";
import { resolvePath } from "../context";
import { loadFromArgument } from "../desired";
import { CliError } from "../errors";
import { colorsFor, plural, writeJson, writeLine } from "../output";
import { reportProblems } from "../planning";

export type ServerOptions = OutputOptions & { server?: string };
export type ProposeCommandOptions = ServerOptions & { cluster: string; team?: string; title?: string; source?: string };
export type FollowOptions = { timeout: number; interval: number };
export type WaitCommandOptions = ServerOptions & FollowOptions;
/** `apply --server`: a state file (with --cluster) or `change`, the id of an approved change request. */
export type ApplyServerOptions = ServerOptions & Partial<FollowOptions> & { cluster?: string; team?: string; title?: string; source?: string; change?: string };

type Answer = { status: number; body: any };
type Call = ReturnType<typeof serverClient>;

function serverBase(io: CliIo, opts: ServerOptions): string {
  return (opts.server ?? io.env.SWITCHBOARD_SERVER ?? "").replace(/\/+$/, "");
}

function serverClient(io: CliIo, opts: ServerOptions) {
  const base = serverBase(io, opts);
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

type SyncAnswer = { outcome: string; changeRequestId: string | null; reviewUrl: string | null; plan: Array<{ kind: string; name: string; reason: string; changes?: KeyChange[] }>; blockers: string[] };
type Proposed = { call: Call; cluster: { id: string; name: string }; answer: SyncAnswer };

/**
 * Validates the file or directory with the same loader as `validate` (problems printed, null), then
 * sends it to the server's sync with mode propose: it opens a change request for review, or updates
 * the caller's one from the same source (an unchanged file leaves it, and its approvals, as they are).
 */
async function proposeToServer(path: string, opts: ProposeCommandOptions, io: CliIo, refused: string): Promise<Proposed | null> {
  const loaded = await loadFromArgument(io, path);
  if (!loaded.ok) {
    reportProblems(io, path, loaded.problems, opts, refused);
    return null;
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
  return { call, cluster, answer: answer.body as SyncAnswer };
}

/**
 * `switchboard propose <path> --server URL --cluster <id|name>`: validates the file or directory
 * with the same loader as `validate`, then opens a change request for review on the server (it never
 * deploys), prints the plan the server computed against the live cluster and the review link. Run
 * again with the same --source (default: the path), it updates that change request while it is open.
 * Exit 1 when the change cannot deploy as it stands (a conflict such as a name held on the cluster, the
 * validator's problems): it is proposed all the same, and what blocks it is printed.
 */
export async function proposeCommand(path: string, opts: ProposeCommandOptions, io: CliIo): Promise<number> {
  const proposed = await proposeToServer(path, opts, io, "; nothing was proposed");
  if (!proposed) return 1;
  const { cluster, answer: body } = proposed;
  if (opts.json) {
    writeJson(io, body);
    return body.blockers.length === 0 ? 0 : 1;
  }
  const c = colorsFor(io, "stdout", opts);
  if (body.outcome === "unchanged") {
    writeLine(io.stdout, `${c.green("✓")} nothing to propose: every connector in ${path} matches ${cluster.name}`);
    return 0;
  }
  for (const a of body.plan) {
    if (a.kind === "noop" && !opts.verbose) continue;
    writeLine(io.stdout, `${SYMBOL[a.kind] ?? "?"} ${a.name} ${c.dim(`(${a.reason})`)}`);
    for (const change of a.changes ?? []) writeLine(io.stdout, `    ${keyChangeLine(change, { color: c.isColorSupported })}`);
  }
  // The same file again keeps an approved change request as it is.
  const state = body.outcome === "approved" ? "approved (the file is unchanged since); deploy it with switchboard apply --server" : "in review";
  writeLine(io.stdout, `\nChange request ${body.changeRequestId} is ${state} on ${cluster.name}: ${body.reviewUrl}`);
  // Proposed, but it cannot deploy as it stands: a pull request's check should say so.
  if (body.blockers.length === 0) return 0;
  const e = colorsFor(io, "stderr", opts);
  writeLine(io.stderr, `${e.red("✗")} it cannot be deployed as it stands:`);
  for (const blocker of body.blockers) writeLine(io.stderr, `  ${e.red("✗")} ${blocker}`);
  return 1;
}

const FINAL: Record<string, number> = { deployed: 0, failed: 1, rejected: 1, cancelled: 1 };

/**
 * Polls the change request until it reaches a final status or the timeout passes, each status change
 * on stderr. Exit code: 0 deployed, 1 failed, rejected or cancelled, 2 timed out.
 */
async function followChangeRequest(call: Call, id: string, opts: OutputOptions & FollowOptions, io: CliIo): Promise<{ status: string; exit: number }> {
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
    if (code !== undefined) return { status, exit: code };
    if (Date.now() >= deadline) {
      writeLine(io.stderr, `${c.yellow("!")} still ${status} after ${Math.round(opts.timeout / 1000)} s`);
      return { status, exit: 2 };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(opts.interval, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * `switchboard wait <id>`: polls the change request until it is deployed (exit 0), failed, rejected
 * or cancelled (1), or the timeout passes (2); each status change on stderr.
 */
export async function waitCommand(id: string, opts: WaitCommandOptions, io: CliIo): Promise<number> {
  const { status, exit } = await followChangeRequest(serverClient(io, opts), id, opts, io);
  if (opts.json) writeJson(io, { id, status, timedOut: exit === 2 });
  return exit;
}

type ChangeRequestView = {
  id: string;
  status: string;
  statusNote: string | null;
  revision: number;
  approvals: { count: number; required: number };
  deployments: Array<{ id: string; createdAt: string }>;
};

async function readChangeRequest(call: Call, id: string): Promise<ChangeRequestView> {
  const answer = await call("GET", `/change-requests/${encodeURIComponent(id)}`);
  if (answer.status !== 200) throw failed(answer, `could not read change request ${id}`);
  return answer.body as ChangeRequestView;
}

const DEFAULT_FOLLOW: FollowOptions = { timeout: 600_000, interval: 5_000 };

/**
 * `switchboard apply <path> --server URL --cluster <id|name>` (or `--change <id>`): deploys the
 * approved change request of the file, never anything unapproved. The file is proposed from its
 * source as `propose` does: unchanged, the caller's change request from that source (and its
 * approvals) stays as it is; changed, it becomes a new revision for review (an approved one goes
 * back to review) and nothing is deployed. Approved: the deploy is started, followed as `wait` does,
 * and its report summarised. Exit 0 deployed (or nothing to deploy), 1 not approved, failed,
 * rejected or refused, 2 timed out.
 */
export async function applyServerCommand(path: string | undefined, opts: ApplyServerOptions, io: CliIo): Promise<number> {
  const follow = { ...opts, timeout: opts.timeout ?? DEFAULT_FOLLOW.timeout, interval: opts.interval ?? DEFAULT_FOLLOW.interval };
  const c = colorsFor(io, "stdout", opts);
  let call: Call;
  let id: string;
  let reviewUrl: string | null = null;
  if (opts.change) {
    if (path) throw new CliError("give either a state file or --change <id>, not both");
    call = serverClient(io, opts);
    id = opts.change;
  } else {
    if (!path) throw new CliError("apply --server needs a state file (with --cluster) or --change <id>");
    if (!opts.cluster) throw new CliError("which cluster?", "pass --cluster <id|name> with a state file");
    const proposed = await proposeToServer(path, { ...opts, cluster: opts.cluster }, io, "; nothing was deployed");
    if (!proposed) return 1;
    if (proposed.answer.outcome === "unchanged" || !proposed.answer.changeRequestId) {
      if (opts.json) writeJson(io, { changeRequestId: null, status: "unchanged", deploymentId: null, timedOut: false, report: null });
      else writeLine(io.stdout, `${c.green("✓")} nothing to deploy: every connector in ${path} matches ${proposed.cluster.name}`);
      return 0;
    }
    ({ call } = proposed);
    id = proposed.answer.changeRequestId;
    reviewUrl = proposed.answer.reviewUrl;
  }

  const cr = await readChangeRequest(call, id);
  let deploymentId: string | null = null;
  if (cr.status === "approved") {
    const started = await call("POST", `/change-requests/${encodeURIComponent(id)}/deploy`);
    if (started.status !== 202) throw failed(started, `could not deploy change request ${id}`);
    deploymentId = started.body.deploymentId as string;
  } else if (cr.status === "deployed") {
    if (opts.json) writeJson(io, { changeRequestId: id, status: cr.status, deploymentId: null, timedOut: false, report: null });
    else writeLine(io.stdout, `${c.green("✓")} nothing to deploy: change request ${id} is deployed already`);
    return 0;
  } else if (cr.status !== "deploying") {
    return refuseUnapproved(io, opts, cr, reviewUrl ?? `${serverBase(io, opts)}/changes/${encodeURIComponent(id)}`);
  }

  const { status, exit } = await followChangeRequest(call, id, follow, io);
  deploymentId ??= latestDeployment(await readChangeRequest(call, id));
  const deployment = deploymentId ? await call("GET", `/deployments/${encodeURIComponent(deploymentId)}`) : null;
  const report = deployment?.status === 200 ? (deployment.body.report as DeploymentReport | null) : null;
  if (opts.json) writeJson(io, { changeRequestId: id, status, deploymentId, timedOut: exit === 2, report });
  else writeLine(io.stdout, summarise(id, status, deploymentId, report, c));
  return exit;
}

function latestDeployment(cr: ChangeRequestView): string | null {
  const sorted = [...(cr.deployments ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return sorted[0]?.id ?? null;
}

/** A change request that is not approved (in review, draft, rejected, ...): its status, what is missing, where to review it; exit 1. */
function refuseUnapproved(io: CliIo, opts: OutputOptions, cr: ChangeRequestView, reviewUrl: string): number {
  const missing = Math.max(0, (cr.approvals?.required ?? 0) - (cr.approvals?.count ?? 0));
  const why = cr.status === "in_review" || cr.status === "draft" ? `not approved yet: ${plural(missing, "approval")} missing` : `it is ${cr.status}`;
  const c = colorsFor(io, "stderr", opts);
  writeLine(io.stderr, `${c.red("✗")} change request ${cr.id} (revision ${cr.revision}) was not deployed: ${why}${cr.statusNote ? ` (${cr.statusNote})` : ""}`);
  writeLine(io.stderr, `  review it at ${reviewUrl}`);
  if (opts.json) writeJson(io, { changeRequestId: cr.id, status: cr.status, statusNote: cr.statusNote, approvalsMissing: missing, reviewUrl, deploymentId: null, timedOut: false, report: null });
  return 1;
}

type DeploymentReport = { outcome: string; error?: string; summary: Record<string, unknown[]>; failures: unknown[] };

const SUMMARY_ORDER = ["added", "updated", "removed", "paused", "resumed", "stopped", "restarted", "topicsCreated", "topicsDeleted"] as const;

/** One line per kind of change the deployment made, as the report (secrets masked) has them. */
function summarise(id: string, status: string, deploymentId: string | null, report: DeploymentReport | null, c: ReturnType<typeof colorsFor>): string {
  const head = status === "deployed" ? `${c.green("✓")} change request ${id} deployed` : `${status === "deploying" ? c.yellow("!") : c.red("✗")} change request ${id} ${status}`;
  const lines = [`${head}${deploymentId ? ` (deployment ${deploymentId})` : ""}`];
  for (const kind of SUMMARY_ORDER) {
    const names = (report?.summary?.[kind] ?? []).map((n) => (typeof n === "string" ? n : JSON.stringify(n)));
    if (names.length > 0) lines.push(`  ${kind.padEnd(14)} ${names.join(", ")}`);
  }
  if (report?.error) lines.push(`  error: ${report.error}`);
  const failures = report?.failures?.length ?? 0;
  if (failures > 0) lines.push(`  ${plural(failures, "failure")}: see the deployment's report (--json)`);
  return lines.join("\n");
}
