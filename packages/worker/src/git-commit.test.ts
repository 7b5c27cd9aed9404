import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { simpleGit } from "simple-git";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { getCluster, getOpenGitConflict, updateCluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { listInbox } from "@switchboard/db/repos/notifications";
import { createUser } from "@switchboard/db/repos/users";
import { addMember } from "@switchboard/db/repos/teams";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { queueGitWrite } from "@switchboard/domain/git-mirror-write";
import { exportStateFile } from "@switchboard/domain/state-file";
import { writeStateFileToGit, type WriteInput } from "./git-commit";
import { startWorker } from "./loop";
import { buildWorkerWorld, MOCK_SINK, queueDeploy, SECRET, waitFor, type WorkerWorld } from "./worker.fixture";

const NEW_SECRET = "orders-db-password-9f8e7d";
const PATH = "clusters/prod.json";

let t: TestDb;
let w: WorkerWorld;
const cleanups: Array<() => void> = [];
const stops: AbortController[] = [];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  for (const c of cleanups.splice(0)) c();
  await t.cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function bareRepository(): Promise<string> {
  const dir = tempDir("switchboard-bare-");
  await simpleGit(dir).init(true, ["--initial-branch=main"]);
  return dir;
}

/** The branch's commits, newest first, read straight from the bare repository. */
function gitIn(bare: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", bare, ...args], { encoding: "utf8" });
}
const commits = (bare: string) => gitIn(bare, "rev-list", "main").trim().split("\n").filter(Boolean);
const fileOnMain = (bare: string, path = PATH) => gitIn(bare, "show", `main:${path}`);

/** A person's commit: clone, write `files`, commit, push. */
async function humanCommit(bare: string, files: Record<string, string>, message = "Edit by hand"): Promise<string> {
  const dir = tempDir("switchboard-human-");
  const git = simpleGit(dir);
  await git.clone(bare, dir);
  await git.raw(["checkout", "-B", "main"]);
  await git.addConfig("user.name", "Human").addConfig("user.email", "human@example.com");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  await git.add(Object.keys(files));
  await git.commit(message);
  await git.push("origin", "HEAD:refs/heads/main");
  return (await git.revparse(["HEAD"])).trim();
}

function runWorker() {
  const controller = new AbortController();
  stops.push(controller);
  void startWorker({ db: t.db, workerId: "worker-git", signal: controller.signal, pollMs: 10, leaseMs: 5_000, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
}

const gitJob = (deploymentId: string) =>
  waitFor(
    async () => {
      const job = await t.db.job.findFirst({ where: { kind: "git-commit", payloadJson: { contains: deploymentId } } });
      return job && (job.status === "done" || job.status === "failed" || (job.status === "queued" && job.lastError !== null)) ? job : undefined;
    },
    20_000,
    "the git-commit job to finish",
  );

const updateItem = (topics: string, version: number, extra: Record<string, string> = {}): ChangeItemInput => ({
  action: "update",
  connectorId: w.connector.id,
  connectorName: "payments-sink",
  proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics, ...extra },
  proposedSecrets: { "connection.password": SECRET },
  proposedState: "RUNNING",
  baseVersion: version,
});

/** Deploys `items` through the worker and waits for the commit job. */
async function deployAndCommit(items: ChangeItemInput[]) {
  const queued = await queueDeploy(w, items);
  const job = await gitJob(queued.deploymentId);
  expect((await getDeployment(t.db, queued.deploymentId))?.status).toBe("succeeded");
  return { ...queued, job };
}

async function mirrorTo(bare: string, fields: { gitBranch?: string; gitPath?: string } = {}) {
  await updateCluster(t.db, null, w.cluster.id, { gitRepository: bare, ...fields });
}

describe("git-commit job", { timeout: 30_000 }, () => {
  it("commits the deployed state file once, authored by the change's author, with the link, approvers and co-authors; no secret reaches the repository", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    const coWriter = await createUser(t.db, null, { email: "co-writer@example.com", name: "Co Writer", role: "owner", password: "password-for-tests" });
    await addMember(t.db, null, w.team.id, coWriter.id);
    runWorker();
    const create: ChangeItemInput = {
      action: "create",
      connectorName: "orders-sink",
      teamId: w.team.id,
      proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders", "connection.url": `jdbc:postgresql://app:${NEW_SECRET}@db:5432/orders` },
      proposedSecrets: { "connection.password": NEW_SECRET },
      proposedState: "RUNNING",
    };
    const { cr, deploymentId, job } = await deployAndCommit([create]);
    expect(job.status).toBe("done");

    expect(commits(bare)).toHaveLength(1);
    const expected = (await exportStateFile(t.db, w.cluster.id)).text;
    expect(fileOnMain(bare)).toBe(expected);
    expect(fileOnMain(bare)).toContain('"orders-sink"');
    const [authorLine, committerLine] = gitIn(bare, "log", "-1", "--format=%an <%ae>%n%cn <%ce>", "main").trim().split("\n");
    expect(authorLine).toBe("owner <owner@example.com>");
    expect(committerLine).toBe("Switchboard <switchboard@localhost>");
    const message = gitIn(bare, "log", "-1", "--format=%B", "main");
    expect(message).toBe(
      [
        "Add the orders sink",
        "",
        `Change-request: http://switchboard.test/changes/${cr.id}`,
        `Deployment: ${deploymentId}`,
        "Approved-by: approver <approver@example.com>",
        "",
      ].join("\n") + "\n",
    );
    const cluster = await getCluster(t.db, w.cluster.id);
    expect(cluster?.gitCommit).toBe(commits(bare)[0]);
    expect((await listAuditEvents(t.db, { entityType: "cluster", entityId: w.cluster.id })).items.map((e) => e.action)).toContain("cluster.gitCommit");

    // Every object in the repository, every patch: neither secret is there.
    const everything = gitIn(bare, "log", "-p", "--all") + gitIn(bare, "cat-file", "--batch-all-objects", "--batch");
    expect(everything).not.toContain(NEW_SECRET);
    expect(everything).not.toContain(SECRET);
    expect(everything).toContain("(sensitive)");
    // The temporary clones are gone.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("switchboard-git-"))).toEqual([]);
  });

  it("names every other writer as a co-author", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    runWorker();
    const { editChangeRequest } = await import("@switchboard/db/repos/change-requests");
    const { submitForReview, review, deploy } = await import("@switchboard/domain/change-requests");
    const { createChangeRequest } = await import("@switchboard/db/repos/change-requests");
    const draft = await createChangeRequest(t.db, w.owner.id, { clusterId: w.cluster.id, title: "Two writers", rationale: "r", items: [updateItem("a", 1)] });
    await editChangeRequest(t.db, w.owner2.id, draft.id, { items: [updateItem("a,b", 1)] });
    await submitForReview(t.db, w.owner, draft.id);
    await review(t.db, w.approver, draft.id, "approve", "ok");
    const { deploymentId } = await deploy(t.db, w.owner, draft.id);
    expect((await gitJob(deploymentId)).status).toBe("done");
    const message = gitIn(bare, "log", "-1", "--format=%B", "main");
    expect(message).toContain("Co-authored-by: owner2 <owner2@example.com>");
    expect(message).not.toContain("Co-authored-by: owner <owner@example.com>");
    expect(gitIn(bare, "log", "-1", "--format=%ae", "main").trim()).toBe("owner@example.com");
  });

  it("writes two deploys as two commits in order, and commits on top of a person's commit that touched another file", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    const human = await humanCommit(bare, { "README.md": "Our connectors\n" });
    await deployAndCommit([updateItem("payments.audit,two", 2)]);

    const list = commits(bare);
    expect(list).toHaveLength(3);
    expect(list[1]).toBe(human);
    expect(gitIn(bare, "log", "--format=%s", "main").trim().split("\n")).toEqual(["Add the orders sink", "Edit by hand", "Add the orders sink"]);
    expect(fileOnMain(bare)).toContain("payments.audit,two");
    expect(fileOnMain(bare, "README.md")).toBe("Our connectors\n");
    expect((await getCluster(t.db, w.cluster.id))?.gitCommit).toBe(list[0]);
  });

  it("never overwrites a state file edited by hand: one git_conflict incident, gitCommit unchanged, until the file says what is deployed", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    const admin = await createUser(t.db, null, { email: "admin@example.com", name: "Admin", role: "admin", password: "password-for-tests" });
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    const written = (await getCluster(t.db, w.cluster.id))?.gitCommit;
    const edited = fileOnMain(bare).replace("payments.audit,one", "payments.audit,edited-by-hand");
    const human = await humanCommit(bare, { [PATH]: edited });

    const second = await deployAndCommit([updateItem("payments.audit,two", 2)]);
    expect(second.job.status).toBe("done");
    expect(commits(bare)[0]).toBe(human);
    expect(fileOnMain(bare)).toBe(edited);
    expect((await getCluster(t.db, w.cluster.id))?.gitCommit).toBe(written);
    const incident = await getOpenGitConflict(t.db, w.cluster.id);
    expect(incident).toMatchObject({ kind: "git_conflict", connectorName: PATH, state: "open" });
    expect(incident?.trace).toContain(human);
    expect(incident?.trace).toContain(written);
    expect(incident?.trace).not.toContain(SECRET);
    expect((await listInbox(t.db, admin.id)).map((n) => n.subject)).toEqual(["Git mirror of prod is in conflict"]);

    // Still conflicting: the next deploy keeps the one incident open, and notifies no one again.
    await deployAndCommit([updateItem("payments.audit,three", 3)]);
    expect(await t.db.incident.count({ where: { clusterId: w.cluster.id, kind: "git_conflict" } })).toBe(1);
    expect(await listInbox(t.db, admin.id)).toHaveLength(1);
    expect(commits(bare)[0]).toBe(human);

    // The edit is proposed and deployed (the file now says what is deployed): the next write goes on top and closes the incident.
    await humanCommit(bare, { [PATH]: edited.replace("payments.audit,edited-by-hand", "payments.audit,four") }, "Resolve");
    await deployAndCommit([updateItem("payments.audit,four", 4)]);
    expect(fileOnMain(bare)).toContain("payments.audit,four");
    expect(await getOpenGitConflict(t.db, w.cluster.id)).toBeNull();
    expect((await getCluster(t.db, w.cluster.id))?.gitCommit).toBe(commits(bare)[0]);
  });

  it("writes again once a person reverts the hand edit of the state file", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    const original = fileOnMain(bare);
    await humanCommit(bare, { [PATH]: original.replace("payments.audit,one", "payments.audit,by-hand") });
    await deployAndCommit([updateItem("payments.audit,two", 2)]);
    expect(await getOpenGitConflict(t.db, w.cluster.id)).not.toBeNull();

    await humanCommit(bare, { [PATH]: original }, "Revert");
    await deployAndCommit([updateItem("payments.audit,three", 3)]);
    expect(fileOnMain(bare)).toBe((await exportStateFile(t.db, w.cluster.id)).text);
    expect(await getOpenGitConflict(t.db, w.cluster.id)).toBeNull();
  });

  it("writes the deployed state now, without another deploy, once a person reverts the hand edit and an admin asks (Write to Git)", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    const original = fileOnMain(bare);
    await humanCommit(bare, { [PATH]: original.replace("payments.audit,one", "payments.audit,by-hand") });
    const missed = await deployAndCommit([updateItem("payments.audit,two", 2)]);
    expect(await getOpenGitConflict(t.db, w.cluster.id)).not.toBeNull();
    expect(fileOnMain(bare)).not.toContain("payments.audit,two");

    await humanCommit(bare, { [PATH]: original }, "Revert");
    const admin = await createUser(t.db, null, { email: "admin@example.com", name: "Admin", role: "admin", password: "password-for-tests" });
    expect((await queueGitWrite(t.db, admin.id, w.cluster.id)).deploymentId).toBe(missed.deploymentId);
    await waitFor(async () => (await getOpenGitConflict(t.db, w.cluster.id)) === null || undefined, 20_000, "the conflict to close");
    expect(fileOnMain(bare)).toBe((await exportStateFile(t.db, w.cluster.id)).text);
    expect(fileOnMain(bare)).toContain("payments.audit,two");
    expect((await getCluster(t.db, w.cluster.id))?.gitCommit).toBe(commits(bare)[0]);
  });

  it("commits on top of a person's edit that is what gets deployed (a change proposed from Git), without an incident", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare);
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    // The person edits one value and drops the version (what a change proposed from the file looks like).
    const edited = fileOnMain(bare).replace("payments.audit,one", "payments.audit,from-git").replace(/"version": \d+,\n\s*/, "");
    const human = await humanCommit(bare, { [PATH]: edited }, "Route to from-git");

    await deployAndCommit([updateItem("payments.audit,from-git", 2)]);
    const list = commits(bare);
    expect(list).toHaveLength(3);
    expect(list[1]).toBe(human);
    expect(fileOnMain(bare)).toBe((await exportStateFile(t.db, w.cluster.id)).text);
    expect(await getOpenGitConflict(t.db, w.cluster.id)).toBeNull();
  });

  it("treats an existing different file it never wrote as a conflict on first configuration", async () => {
    const bare = await bareRepository();
    await humanCommit(bare, { [PATH]: '{"connectors": []}\n' }, "Someone else's file");
    await mirrorTo(bare);
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    expect(fileOnMain(bare)).toBe('{"connectors": []}\n');
    expect(await getOpenGitConflict(t.db, w.cluster.id)).toMatchObject({ kind: "git_conflict" });
    expect((await getCluster(t.db, w.cluster.id))?.gitCommit).toBeNull();
  });

  it("creates the branch and the path given on an empty repository", async () => {
    const bare = await bareRepository();
    await mirrorTo(bare, { gitBranch: "switchboard/prod", gitPath: "state/prod.json" });
    runWorker();
    await deployAndCommit([updateItem("payments.audit,one", 1)]);
    expect(gitIn(bare, "show", "switchboard/prod:state/prod.json")).toBe((await exportStateFile(t.db, w.cluster.id)).text);
  });

  it("a missing repository fails the job with a clear error, not the deployment", async () => {
    const missing = join(tempDir("switchboard-nothing-"), "no-such-repo.git");
    await mirrorTo(missing);
    runWorker();
    const { deploymentId, job } = await deployAndCommit([updateItem("payments.audit,one", 1)]);
    expect(job.lastError).toContain(`git ${missing} (branch main):`);
    expect(job.lastError).toMatch(/does not appear to be a git repository|not a git repository|No such file/i);
    expect((await getDeployment(t.db, deploymentId))?.status).toBe("succeeded");
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("switchboard-git-"))).toEqual([]);
  });

  it("queues no commit for a cluster without a repository", async () => {
    runWorker();
    const { deploymentId } = await queueDeploy(w, [updateItem("payments.audit,one", 1)]);
    await waitFor(async () => (await getDeployment(t.db, deploymentId))?.status === "succeeded", 10_000, "the deploy");
    expect(await t.db.job.count({ where: { kind: "git-commit" } })).toBe(0);
  });
});

describe("writeStateFileToGit when someone pushes between its fetch and its push", { timeout: 30_000 }, () => {
  const author = { name: "Ada", email: "ada@example.com" };
  const write = async (bare: string, base: string | null, content: string, beforePush: WriteInput["beforePush"]) =>
    writeStateFileToGit({ mirror: { repository: bare, branch: "main", path: PATH }, base, content, author, message: "Deploy\n", beforePush });

  async function startedRepository() {
    const bare = await bareRepository();
    const first = await write(bare, null, '{"connectors": []}\n', undefined);
    if (first.kind !== "written") throw new Error("setup failed");
    return { bare, base: first.sha };
  }

  it("tries again from a fresh fetch once and commits on top of the other file's commit", async () => {
    const { bare, base } = await startedRepository();
    let other = "";
    const result = await write(bare, base, '{"connectors": []}\n\n', async (round) => {
      if (round === 1) other = await humanCommit(bare, { "README.md": "hello\n" });
    });
    expect(result.kind).toBe("written");
    const list = commits(bare);
    expect(list.slice(0, 3)).toEqual([result.kind === "written" ? result.sha : "", other, base]);
  });

  it("applies the conflict rule after the fetch again: a state file changed meanwhile is not overwritten", async () => {
    const { bare, base } = await startedRepository();
    let theirs = "";
    const result = await write(bare, base, '{"connectors": []}\n\n', async (round) => {
      if (round === 1) theirs = await humanCommit(bare, { [PATH]: '{"connectors": [], "deleteTopics": ["x"]}\n' });
    });
    expect(result).toMatchObject({ kind: "conflict", head: theirs, base });
    expect(commits(bare)[0]).toBe(theirs);
  });

  it("gives up with an error (the job is retried later) when the branch moves in both rounds", async () => {
    const { bare, base } = await startedRepository();
    await expect(write(bare, base, '{"connectors": []}\n\n', async (round) => void (await humanCommit(bare, { [`notes/${round}.md`]: "x\n" })))).rejects.toThrow(/moved again/);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("switchboard-git-"))).toEqual([]);
  });
});
