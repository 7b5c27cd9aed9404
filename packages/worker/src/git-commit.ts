/**
 * The `git-commit` job: after a deploy succeeded, the cluster's state file (as `exportStateFile`
 * renders it: secrets are "(sensitive)") is committed to the cluster's Git repository, one commit per
 * deployed change, authored by the change's author. The branch is fetched into a temporary directory
 * (removed afterwards, also on failure); a branch that moved ahead of what Switchboard last wrote is
 * never overwritten: the job ends done with a git_conflict incident instead (see decideWrite).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { closeGitConflicts, getCluster, openGitConflict, recordGitCommit, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { jobPayload, type Job } from "@switchboard/db/repos/jobs";
import { listUsers } from "@switchboard/db/repos/users";
import { commitMessage, decideWrite, gitIdentity, peopleOfDeployment, short, type BranchSnapshot, type Person } from "@switchboard/domain/git-mirror";
import { gitMirrorOf } from "@switchboard/domain/git-mirror-settings";
import { gitCommitPayloadSchema } from "@switchboard/domain/jobs";
import { exportStateFile } from "@switchboard/domain/state-file";
import { redactText } from "@switchboard/engine/secrets";
import { env, gitProcessEnv } from "./env";
import { PermanentJobError, type JobContext, type JobResult } from "./loop";
import { fanOut, notifyIncidentOnce } from "./notify";

export type GitMirror = { repository: string; branch: string; path: string };

export type WriteInput = {
  mirror: GitMirror;
  /** The commit Switchboard last wrote (cluster.gitCommit). */
  base: string | null;
  content: string;
  author: Person;
  message: string;
  signal?: AbortSignal;
  committer?: Person;
  timeoutMs?: number;
  /** Runs between the fetch and the push of each round (tests use it to move the branch meanwhile). */
  beforePush?: (round: number) => Promise<void>;
};

export type WriteOutcome = { kind: "written"; sha: string; reason: string } | { kind: "conflict"; head: string | null; base: string | null; reason: string };

/** A rejected push (someone pushed between fetch and push) is tried again from a fresh fetch once. */
const ROUNDS = 2;
const SHA = /^[0-9a-f]{40,64}$/;

/**
 * Commits `content` at the mirror's path on top of its branch and pushes it, unless the branch moved
 * ahead (then a conflict, nothing written). Git failures (no such repository, refused credentials, a
 * hung remote) throw an Error whose message says what failed without any credential.
 */
export async function writeStateFileToGit(input: WriteInput): Promise<WriteOutcome> {
  for (let round = 1; round <= ROUNDS; round++) {
    const outcome = await inTempRepository(input, (git) => writeRound(git, input, round));
    if (outcome !== "moved") return outcome;
  }
  throw new Error(`git ${describe(input.mirror)}: the branch moved again while the state file was being pushed; the write is tried again later`);
}

async function inTempRepository<T>(input: WriteInput, work: (git: SimpleGit, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-git-"));
  try {
    const git = simpleGit({
      baseDir: dir,
      timeout: { block: input.timeoutMs ?? env.SWITCHBOARD_GIT_TIMEOUT_MS },
      ...(input.signal ? { abort: input.signal } : {}),
      allowEnvironment: ["GIT_TERMINAL_PROMPT"],
    }).env(gitProcessEnv());
    return await work(git, dir);
  } catch (err) {
    throw new Error(`git ${describe(input.mirror)}: ${gitFailure(err)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeRound(git: SimpleGit, input: WriteInput, round: number): Promise<WriteOutcome | "moved"> {
  const { mirror, content } = input;
  const committer = input.committer ?? { name: env.SWITCHBOARD_GIT_COMMITTER_NAME, email: env.SWITCHBOARD_GIT_COMMITTER_EMAIL };
  await git.init(false, [`--initial-branch=${mirror.branch}`]);
  await git.addConfig("user.name", committer.name);
  await git.addConfig("user.email", committer.email);
  await git.addConfig("commit.gpgsign", "false");
  await git.addRemote("origin", mirror.repository);

  const snapshot = await readBranch(git, mirror, input.base);
  const decision = decideWrite(snapshot, content);
  if (!decision.write) return { kind: "conflict", head: snapshot.head, base: input.base, reason: decision.reason };

  const file = join(await git.revparse(["--show-toplevel"]), mirror.path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  await git.add(["--", mirror.path]);
  // Empty when the branch already holds this file (proposed from Git): every deployed change still gets its commit.
  await git.commit(input.message, undefined, { "--allow-empty": null, "--cleanup": "whitespace", "--author": gitIdentity(input.author) });
  const sha = (await git.revparse(["HEAD"])).trim();
  await input.beforePush?.(round);
  try {
    await git.push("origin", `HEAD:refs/heads/${mirror.branch}`);
  } catch (err) {
    // Rejected because the branch moved since the fetch: start again from a fresh fetch.
    if ((await remoteHead(git, mirror.branch)) !== snapshot.head) return "moved";
    throw err;
  }
  return { kind: "written", sha, reason: decision.reason };
}

/** The branch's head, checked out, and the state file there and at `base`. */
async function readBranch(git: SimpleGit, mirror: GitMirror, base: string | null): Promise<BranchSnapshot> {
  if ((await remoteHead(git, mirror.branch)) === null) return { head: null, base, fileAtHead: null, fileAtBase: undefined };
  const remoteRef = `refs/remotes/origin/${mirror.branch}`;
  await git.fetch("origin", `+refs/heads/${mirror.branch}:${remoteRef}`);
  await git.checkout(["-f", "-B", mirror.branch, remoteRef]);
  const head = (await git.revparse([remoteRef])).trim();
  const baseKnown = base !== null && SHA.test(base) && (await hasCommit(git, base));
  return { head, base, fileAtHead: await fileAt(git, head, mirror.path), fileAtBase: baseKnown ? await fileAt(git, base, mirror.path) : undefined };
}

async function remoteHead(git: SimpleGit, branch: string): Promise<string | null> {
  const out = await git.listRemote(["--heads", "origin", `refs/heads/${branch}`]);
  const line = out.split("\n").find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line ? (line.split("\t")[0] ?? null) : null;
}

async function hasCommit(git: SimpleGit, sha: string): Promise<boolean> {
  try {
    await git.catFile(["-e", `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

async function fileAt(git: SimpleGit, rev: string, path: string): Promise<string | null> {
  const listed = await git.raw(["ls-tree", "--name-only", rev, "--", path]);
  if (listed.trim() !== path) return null;
  return git.catFile(["blob", `${rev}:${path}`]);
}

const describe = (m: GitMirror) => `${m.repository} (branch ${m.branch})`;

/** What git said, shortened and with any credential redacted (a URL's password, a token in a header). */
function gitFailure(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("hint:"));
  return redactText(lines.slice(0, 3).join(" ").slice(0, 500) || "git failed");
}

/** Job handler for `git-commit`. */
export async function runGitCommitJob(job: Job, ctx: JobContext): Promise<JobResult> {
  const { deploymentId } = gitCommitPayloadSchema.parse(jobPayload(job));
  const deployment = await getDeployment(ctx.db, deploymentId);
  if (!deployment) throw new PermanentJobError(`deployment ${deploymentId} does not exist`);
  if (deployment.status !== "succeeded") throw new PermanentJobError(`deployment ${deploymentId} did not succeed: nothing to commit`);
  const cluster = await getCluster(ctx.db, deployment.clusterId);
  const mirror = cluster && gitMirrorOf(cluster);
  // The mirror was switched off since the deploy: nothing to write.
  if (!cluster || !mirror) return;
  const cr = await getChangeRequest(ctx.db, deployment.changeRequestId);
  if (!cr) throw new PermanentJobError(`the change request of deployment ${deploymentId} no longer exists`);

  const { text } = await exportStateFile(ctx.db, cluster.id);
  const { writers, approvers } = peopleOfDeployment(deployment.plan);
  const message = commitMessage({ title: cr.title, changeRequestId: cr.id, deploymentId, publicUrl: ctx.publicUrl, author: cr.author, writers, approvers });
  const outcome = await writeStateFileToGit({ mirror, base: cluster.gitCommit, content: text, author: cr.author, message, signal: ctx.signal });
  const target = { repository: mirror.repository, branch: cluster.gitBranch, path: cluster.gitPath };

  if (outcome.kind === "written") {
    await ctx.db.$transaction(async (tx) => {
      if (await recordGitCommit(tx, cluster.id, target, outcome.sha)) await closeGitConflicts(tx, cluster.id);
    });
    ctx.log.info(`deployment ${deploymentId}: committed ${short(outcome.sha)} to ${describe(mirror)} (${outcome.reason})`);
    return;
  }
  await reportConflict(ctx, cluster, mirror, outcome);
}

/** Opens the cluster's git_conflict incident (one at a time) and tells the admins in-app, once per incident. */
async function reportConflict(ctx: JobContext, cluster: Cluster, mirror: GitMirror, outcome: Extract<WriteOutcome, { kind: "conflict" }>): Promise<void> {
  const trace = [
    `Not written to ${describe(mirror)}: ${outcome.reason}.`,
    `Head: ${outcome.head ?? "none"}. Last written by Switchboard: ${outcome.base ?? "none"}.`,
    `Nothing was overwritten. Make ${mirror.path} describe the cluster's deployed state (or propose the edit as a change request and deploy it); then "Write to Git" (Admin → Clusters) or the next deploy writes again and closes this incident.`,
  ].join("\n");
  const { incident, opened } = await openGitConflict(ctx.db, { clusterId: cluster.id, path: mirror.path, trace });
  ctx.log.warn(`cluster ${cluster.name}: Git mirror in conflict (${outcome.reason})`);
  if (!opened) return;
  const admins = (await listUsers(ctx.db)).filter((u) => u.role === "admin" && !u.disabled);
  const subject = `Git mirror of ${cluster.name} is in conflict`;
  const body = `${mirror.path} on ${mirror.branch} changed outside Switchboard: ${outcome.reason}. Nothing was overwritten.`;
  const inputs = fanOut({ incidentId: incident.id, teamId: null, subject }, { userIds: admins.map((a) => a.id), emails: [], webhooks: [] }, { inapp: body, email: body, webhook: body });
  await notifyIncidentOnce(ctx.db, incident.id, inputs, new Date());
}
