/**
 * A property over random sequences of API calls by random users (drafts, edits, reviews, deploys,
 * retries, cancels, policy and role changes, worker runs): no change request is ever deployed
 * without the policy's number of distinct approvals from enabled approvers who wrote none of its
 * revisions (policy and roles as they were when the worker took the deploy up), and no call ever
 * writes a change touching a team its caller may not act for.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Role } from "@switchboard/db/enums";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { updateCluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { claimJob, completeJob, failJob } from "@switchboard/db/repos/jobs";
import { getSessionUser, updateUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb } from "@switchboard/db/testing";
import { failDeployJob, runDeployJob } from "@switchboard/worker/deploy";
import type { JobContext } from "@switchboard/worker/loop";
import { silentLog } from "@switchboard/worker/worker.fixture";
import { buildWorld, FILE_SINK, type Actor, type World } from "../routers/change-request.fixture";

const ACTORS = ["owner", "otherOwner", "approver", "approver2", "admin", "viewer"] as const satisfies readonly Exclude<Actor, "anonymous">[];
type Who = (typeof ACTORS)[number];

type ItemPick = "ledger-update" | "clicks-update" | "ledger-pause" | "clicks-restart" | "create-payments" | "create-analytics";
type Step =
  | { op: "create" | "edit"; who: Who | "author"; cr: number; items: ItemPick[]; n: number }
  | { op: "submit" | "approve" | "reject" | "comment" | "deploy" | "retry" | "cancel" | "refresh"; who: Who | "author"; cr: number }
  | { op: "policy"; required: number }
  | { op: "role"; who: "approver" | "approver2"; role: Role; disabled: boolean }
  | { op: "work" };

type Items = Parameters<ReturnType<World["caller"]>["changeRequest"]["create"]>[0]["items"];

// Callers are random, but each change request follows a lifecycle (create, perhaps an edit, submit,
// some approvals, a deploy, a worker run) whose steps are taken by random users, interleaved with the
// other change requests' steps and with noise (policy and role changes, stray reviews, cancels):
// uniformly random calls would almost never get a change deployed.
const anyone = fc.constantFrom<Who | "author">(...ACTORS, "author");
const writerish = fc.oneof({ weight: 3, arbitrary: fc.constant<"author">("author") }, { weight: 1, arbitrary: anyone });
const reviewerish = fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Who>("approver", "approver2", "admin") }, { weight: 1, arbitrary: anyone });
const picks = fc.array(fc.constantFrom<ItemPick>("ledger-update", "clicks-update", "ledger-pause", "clicks-restart", "create-payments", "create-analytics"), { minLength: 1, maxLength: 2 });

const lifecycle = (cr: number): fc.Arbitrary<Step[]> =>
  fc
    .record({
      creator: fc.constantFrom<Who>(...ACTORS),
      items: picks,
      n: fc.nat(3),
      edit: fc.option(fc.record({ who: writerish, items: picks }), { nil: undefined }),
      submitter: writerish,
      approvers: fc.array(reviewerish, { minLength: 0, maxLength: 3 }),
      deployer: fc.oneof(writerish, reviewerish),
    })
    .map((l): Step[] => [
      { op: "create", who: l.creator, cr, items: l.items, n: l.n },
      ...(l.edit ? [{ op: "edit" as const, who: l.edit.who, cr, items: l.edit.items, n: l.n + 1 }] : []),
      { op: "submit", who: l.submitter, cr },
      ...l.approvers.map((who): Step => ({ op: "approve", who, cr })),
      { op: "deploy", who: l.deployer, cr },
      { op: "work" },
    ]);

const noise: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constantFrom("reject" as const, "comment" as const, "cancel" as const, "refresh" as const, "retry" as const, "approve" as const, "deploy" as const), who: anyone, cr: fc.nat(2) }),
  fc.record({ op: fc.constant("edit" as const), who: anyone, cr: fc.nat(2), items: picks, n: fc.nat(3) }),
  fc.record({ op: fc.constant("policy" as const), required: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant("role" as const), who: fc.constantFrom("approver" as const, "approver2" as const), role: fc.constantFrom<Role>("approver", "viewer", "owner", "admin"), disabled: fc.boolean() }),
  fc.constant({ op: "work" as const }),
);

/** Three lifecycles and some noise, interleaved by a random schedule; each lifecycle keeps its order. */
const sequence: fc.Arbitrary<Step[]> = fc
  .tuple(lifecycle(0), lifecycle(1), lifecycle(2), fc.array(noise, { maxLength: 12 }), fc.array(fc.nat(3), { minLength: 40, maxLength: 40 }))
  .map(([a, b, c, extra, schedule]) => {
    const queues = [a, b, c, extra];
    const out: Step[] = [];
    for (const pickQueue of [...schedule, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]) {
      const next = queues[pickQueue]?.shift();
      if (next) out.push(next);
    }
    return [...out, ...queues.flat(), { op: "work" }];
  });

function itemsFor(w: World, picks: ItemPick[], n: number): Items {
  const unique = [...new Set(picks)];
  // One item per connector: a second pick of the same connector is dropped.
  const seen = new Set<string>();
  return unique.flatMap((p): Items => {
    const key = p.startsWith("ledger") ? "ledger" : p.startsWith("clicks") ? "clicks" : p;
    if (seen.has(key)) return [];
    seen.add(key);
    switch (p) {
      case "ledger-update":
        return [{ action: "update" as const, connectorId: w.ledger.id, config: { ...w.ledger.config, "ledger.api.token": "(sensitive)", "tasks.max": String(n + 1) } }];
      case "clicks-update":
        return [{ action: "update" as const, connectorId: w.clicks.id, config: { ...w.clicks.config, "tasks.max": String(n + 1) } }];
      case "ledger-pause":
        return [{ action: "pause" as const, connectorId: w.ledger.id }];
      case "clicks-restart":
        return [{ action: "restart" as const, connectorId: w.clicks.id, onlyFailed: false }];
      case "create-payments":
        return [{ action: "create" as const, name: `pay-new-${n}`, teamId: w.payments.id, config: { "connector.class": FILE_SINK, topics: `p${n}` } }];
      case "create-analytics":
        return [{ action: "create" as const, name: `ana-new-${n}`, teamId: w.analytics.id, config: { "connector.class": FILE_SINK, topics: `a${n}` } }];
    }
  });
}

/** Runs every queued deploy once, as the worker would, and returns the deployments that succeeded. */
async function work(w: World): Promise<string[]> {
  const ctx: JobContext = {
    db: w.db,
    workerId: "prop",
    signal: new AbortController().signal,
    connectFor: () => w.fake,
    topicsFor: () => undefined,
    applyOptions: { settleMs: 0, pollIntervalMs: 1, verifyTimeoutMs: 500 },
    sendEmail: async () => undefined,
    postWebhook: async () => undefined,
    publicUrl: "http://switchboard.test",
    log: silentLog,
  };
  const succeeded: string[] = [];
  for (let job = await claimJob(w.db, ["deploy"], "prop", 60_000); job; job = await claimJob(w.db, ["deploy"], "prop", 60_000)) {
    const claimed = job;
    try {
      await runDeployJob(claimed, ctx);
      await completeJob(w.db, claimed.id, "prop");
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await w.db.$transaction(async (tx) => {
        if ((await failJob(tx, claimed.id, "prop", message, { retry: false })) === "failed") await failDeployJob(tx, claimed, message);
      });
    }
    const deploymentId = (JSON.parse(claimed.payloadJson) as { deploymentId: string }).deploymentId;
    if ((await getDeployment(w.db, deploymentId))?.status === "succeeded") succeeded.push(deploymentId);
  }
  return succeeded;
}

/** The rule, written here independently of the policy module it checks: owners act for their own teams, approvers and admins for all. */
function mayWriteFor(user: SessionUser, teamId: string): boolean {
  if (user.role === "approver" || user.role === "admin") return true;
  return user.role === "owner" && user.teamIds.includes(teamId);
}

/** Deploys that succeeded over all runs: the property must have seen some, or it proves nothing. */
let deployed = 0;

async function run(steps: Step[]): Promise<void> {
  const t = await createTestDb();
  try {
    const w = await buildWorld(t.db);
    const crs: Array<{ id: string; author: Who } | undefined> = [];
    const pick = (i: number) => crs[i];
    const resolve = (x: Who | "author", i: number): Who => (x === "author" ? (pick(i)?.author ?? "owner") : x);
    const current = async (actor: Who): Promise<SessionUser> => ((await getSessionUser(t.db, w.users[actor].id)) ?? { ...w.users[actor], role: "viewer", teamIds: [] }) as SessionUser;
    const call = async (actor: Who) => {
      w.users[actor] = await current(actor);
      return w.caller(actor);
    };
    for (const s of steps) {
      try {
        switch (s.op) {
          case "create":
          case "edit": {
            const actor = resolve(s.who, s.cr);
            const api = await call(actor);
            const items = itemsFor(w, s.items, s.n);
            const id = s.op === "create" ? (await api.changeRequest.create({ clusterId: w.prod.id, title: "p", rationale: "", items })).id : pick(s.cr)?.id;
            if (!id) break;
            if (s.op === "edit") await api.changeRequest.update({ id, items });
            else crs[s.cr] = { id, author: actor };
            // The call went through: every team it touches must be one its caller may act for.
            const page = await api.changeRequest.byId({ id });
            for (const item of page.items) expect(mayWriteFor(w.users[actor], item.team?.id ?? "none"), `${actor} wrote a change for team ${item.team?.name}`).toBe(true);
            break;
          }
          case "policy":
            await updateCluster(t.db, null, w.prod.id, { approvalsRequired: s.required });
            break;
          case "role":
            await updateUser(t.db, null, w.users[s.who].id, { role: s.role, disabled: s.disabled });
            break;
          case "work": {
            const approvalsRequired = (await t.db.cluster.findUniqueOrThrow({ where: { id: w.prod.id } })).approvalsRequired;
            const users = new Map((await t.db.user.findMany({ select: { id: true, role: true, disabled: true } })).map((u) => [u.id, u]));
            for (const deploymentId of await work(w)) {
              deployed++;
              const d = await getDeployment(t.db, deploymentId);
              const change = await getChangeRequest(t.db, d?.changeRequestId ?? "");
              if (!change) throw new Error("deployment without a change request");
              const writers = new Set(change.writers.map((x) => x.userId));
              const counted = new Set(
                change.reviews
                  .filter((r) => r.decision === "approve" && r.crRevision === change.revision && r.dismissedAt === null && !writers.has(r.reviewerId))
                  .filter((r) => {
                    const u = users.get(r.reviewerId);
                    return u && !u.disabled && (u.role === "approver" || u.role === "admin");
                  })
                  .map((r) => r.reviewerId),
              );
              expect(counted.size, `deployed ${change.title} with ${counted.size} of ${approvalsRequired} approvals`).toBeGreaterThanOrEqual(approvalsRequired);
            }
            break;
          }
          default: {
            const id = pick(s.cr)?.id;
            if (!id) break;
            const api = (await call(resolve(s.who, s.cr))).changeRequest;
            if (s.op === "submit") await api.submit({ id });
            else if (s.op === "approve") await api.review({ id, decision: "approve", comment: "" });
            else if (s.op === "reject") await api.review({ id, decision: "reject", comment: "no" });
            else if (s.op === "comment") await api.review({ id, decision: "comment", comment: "hm" });
            else if (s.op === "deploy") await api.deploy({ id });
            else if (s.op === "retry") await api.retryDeploy({ id });
            else if (s.op === "cancel") await api.cancel({ id });
            else await api.refresh({ id });
          }
        }
      } catch (err) {
        // Refusals are expected; anything but a clean domain refusal is a bug.
        const code = (err as { code?: string }).code;
        if (!code || code === "INTERNAL_SERVER_ERROR") throw err;
      }
    }
  } finally {
    await t.cleanup();
  }
}

describe("random API sequences", () => {
  it("never deploy without the policy's non-writer approvals, and never let a caller write for another team", async () => {
    await fc.assert(fc.asyncProperty(sequence, run), { numRuns: 50 });
    expect(deployed).toBeGreaterThan(0);
  }, 120_000);
});
