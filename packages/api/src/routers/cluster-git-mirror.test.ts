/**
 * A cluster's Git mirror settings through the router with real sessions: only admins set them, a
 * repository with credentials or a path outside the repository is refused with a clear message,
 * and pointing the mirror elsewhere forgets the last commit.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { getCluster, recordGitCommit } from "@switchboard/db/repos/clusters";
import { createDeployment, finishDeployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { buildWorld, ledgerUpdate, type World } from "./change-request.fixture";

let t: TestDb;
let w: World;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

const SHA = "0123456789abcdef0123456789abcdef01234567";

async function refusal(run: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("cluster Git mirror settings", () => {
  it("an admin sets repository, branch and path; everyone signed in sees them; the change is audited", async () => {
    const updated = await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: " /srv/git/connect.git ", gitBranch: "release", gitPath: "clusters/prod.json" });
    expect(updated).toMatchObject({ gitRepository: "/srv/git/connect.git", gitBranch: "release", gitPath: "clusters/prod.json", gitCommit: null });
    expect(await w.caller("viewer").cluster.byId({ id: w.prod.id })).toMatchObject({ gitRepository: "/srv/git/connect.git", gitBranch: "release" });
    const audit = await listAuditEvents(t.db, { entityType: "cluster", entityId: w.prod.id });
    expect(audit.items[0]).toMatchObject({ action: "cluster.update", actorId: w.users.admin.id, after: expect.objectContaining({ gitRepository: "/srv/git/connect.git" }) });
    for (const repository of ["file:///srv/git/connect.git", "https://git.example.com/platform/connect.git", "ssh://git@git.example.com/platform/connect.git", "git@github.com:platform/connect.git"]) {
      expect((await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: repository })).gitRepository).toBe(repository);
    }
  });

  it("refuses a non-admin: an owner, an approver and a viewer cannot point a cluster at a repository", async () => {
    for (const actor of ["owner", "approver", "viewer"] as const) {
      expect((await refusal(w.caller(actor).cluster.update({ id: w.prod.id, gitRepository: "/tmp/attacker.git" }))).code).toBe("FORBIDDEN");
    }
    expect((await refusal(w.caller("anonymous").cluster.update({ id: w.prod.id, gitRepository: "/tmp/attacker.git" }))).code).toBe("UNAUTHORIZED");
    expect((await getCluster(t.db, w.prod.id))?.gitRepository).toBeNull();
  });

  it("refuses credentials in the repository URL with a clear message, and never stores them", async () => {
    for (const repository of [
      "https://deploy:hunter2@github.com/platform/connect.git",
      "https://ghp_token1234567890@github.com/platform/connect.git",
      "ssh://git:hunter2@git.example.com/connect.git",
      "git:hunter2@github.com:platform/connect.git",
      "https://user%3Ax:p%40ss@github.com/x.git",
    ]) {
      const r = await refusal(w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: repository }));
      expect(r.code).toBe("BAD_REQUEST");
      expect(r.message).toContain("without credentials");
      expect(r.message).not.toContain("hunter2");
    }
    const r = await refusal(w.caller("admin").cluster.create({ name: "leaky", environment: "dev", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 0, gitRepository: "https://a:b@example.com/x.git" }));
    expect(r.code).toBe("BAD_REQUEST");
    expect((await getCluster(t.db, w.prod.id))?.gitRepository).toBeNull();
  });

  it("refuses other repository addresses: relative paths, other protocols, options", async () => {
    for (const repository of ["connect.git", "../connect.git", "/srv/../etc/git", "ext::sh -c touch% /tmp/pwned", "--upload-pack=touch /tmp/pwned", "http://git.example.com/x.git", "file://remote-host/x.git", "fd::3"]) {
      expect((await refusal(w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: repository }))).code, repository).toBe("BAD_REQUEST");
    }
  });

  it("refuses a state-file path outside the repository or not a .json file, and a bad branch", async () => {
    for (const gitPath of ["../outside.json", "clusters/../../outside.json", "/etc/prod.json", ".git/config.json", "clusters/prod.yaml", "clusters//prod.json", "a\\b.json", "x".repeat(400) + ".json", "-x.json"]) {
      const r = await refusal(w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git", gitPath }));
      expect(r.code, gitPath).toBe("BAD_REQUEST");
    }
    for (const gitBranch of ["--force", "a..b", "main.lock", "feature/", "with space", "HEAD"]) {
      expect((await refusal(w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git", gitBranch }))).code, gitBranch).toBe("BAD_REQUEST");
    }
    expect((await getCluster(t.db, w.prod.id))?.gitRepository).toBeNull();
  });

  it("forgets the last commit when repository, branch or path change, keeps it for other edits, and clears everything with the repository", async () => {
    const caller = w.caller("admin");
    await caller.cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git" });
    const target = { repository: "/srv/git/connect.git", branch: null, path: null };
    expect(await recordGitCommit(t.db, w.prod.id, target, SHA)).toBe(true);
    expect((await caller.cluster.update({ id: w.prod.id, approvalsRequired: 1 })).gitCommit).toBe(SHA);
    expect((await caller.cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git" })).gitCommit).toBe(SHA);
    expect((await caller.cluster.update({ id: w.prod.id, gitPath: "state/prod.json" })).gitCommit).toBeNull();

    await recordGitCommit(t.db, w.prod.id, { ...target, path: "state/prod.json" }, SHA);
    expect((await caller.cluster.update({ id: w.prod.id, gitBranch: "other" })).gitCommit).toBeNull();
    await recordGitCommit(t.db, w.prod.id, { ...target, branch: "other", path: "state/prod.json" }, SHA);
    expect(await caller.cluster.update({ id: w.prod.id, gitRepository: "" })).toMatchObject({ gitRepository: null, gitBranch: null, gitPath: null, gitCommit: null });
  });

  it("records no commit for a mirror an admin pointed elsewhere while the commit was being written", async () => {
    await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git" });
    await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/elsewhere.git" });
    expect(await recordGitCommit(t.db, w.prod.id, { repository: "/srv/git/connect.git", branch: null, path: null }, SHA)).toBe(false);
    expect((await getCluster(t.db, w.prod.id))?.gitCommit).toBeNull();
  });
});

describe("write to Git now", () => {
  async function deployment(status: "succeeded" | "failed") {
    const { id } = await w.caller("owner").changeRequest.create({ clusterId: w.prod.id, title: `A ${status} one`, rationale: "", items: [ledgerUpdate(w)] });
    const d = await createDeployment(t.db, null, { changeRequestId: id, clusterId: w.prod.id, plan: {} });
    await finishDeployment(t.db, d.id, status, {});
    return d.id;
  }
  const gitJobs = () => t.db.job.findMany({ where: { kind: "git-commit" } });

  it("queues the git-commit job of the cluster's latest succeeded deployment for an admin, once while it waits, audited", async () => {
    await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git" });
    const older = await deployment("succeeded");
    const latest = await deployment("succeeded");
    await deployment("failed");
    const queued = await w.caller("admin").cluster.writeGit({ id: w.prod.id });
    expect(queued.deploymentId).toBe(latest);
    expect(queued.deploymentId).not.toBe(older);
    expect((await w.caller("admin").cluster.writeGit({ id: w.prod.id })).jobId).toBe(queued.jobId);
    expect((await gitJobs()).map((j) => [j.status, JSON.parse(j.payloadJson), j.lockKey])).toEqual([["queued", { deploymentId: latest }, `git:${w.prod.id}`]]);
    const audit = await listAuditEvents(t.db, { entityType: "cluster", entityId: w.prod.id });
    expect(audit.items[0]).toMatchObject({ action: "cluster.gitWrite", actorId: w.users.admin.id });
  });

  it("is refused to non-admins, without a mirror, and before anything was deployed", async () => {
    await deployment("failed");
    for (const actor of ["owner", "approver", "viewer"] as const) {
      expect((await refusal(w.caller(actor).cluster.writeGit({ id: w.prod.id }))).code).toBe("FORBIDDEN");
    }
    expect(await refusal(w.caller("admin").cluster.writeGit({ id: w.prod.id }))).toEqual({ code: "BAD_REQUEST", message: "Cluster prod has no Git repository to write to." });
    await w.caller("admin").cluster.update({ id: w.prod.id, gitRepository: "/srv/git/connect.git" });
    expect((await refusal(w.caller("admin").cluster.writeGit({ id: w.prod.id }))).code).toBe("PRECONDITION_FAILED");
    expect((await refusal(w.caller("admin").cluster.writeGit({ id: "nope" }))).code).toBe("NOT_FOUND");
    expect(await gitJobs()).toEqual([]);
  });
});
