import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { listDeployments } from "@switchboard/db/repos/deployments";
import { jobPayload, listJobs } from "@switchboard/db/repos/jobs";
import { getConnectorSecrets, updateConnector } from "@switchboard/db/repos/connectors";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { buildWorld, FILE_SINK, ledgerUpdate, SECRET, type Actor, type World } from "./change-request.fixture";

let testDb: TestDb;
let w: World;

beforeEach(async () => {
  testDb = await createTestDb();
  w = await buildWorld(testDb.db);
});
afterEach(() => testDb.cleanup());

/** The tRPC error code a call fails with, or "OK". */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

type ItemsInput = Parameters<ReturnType<World["caller"]>["changeRequest"]["create"]>[0]["items"];

async function draftBy(actor: Actor, items: ItemsInput = [ledgerUpdate(w)]) {
  return w.caller(actor).changeRequest.create({ clusterId: w.prod.id, title: "More tasks", rationale: "Lag is growing", items });
}

async function inReviewBy(actor: Actor) {
  const { id } = await draftBy(actor);
  await w.caller(actor).changeRequest.submit({ id });
  return id;
}

describe("role × mutation matrix", () => {
  it("create: viewers are refused; owners only for their team's connectors and teams; approvers and admins for any", async () => {
    const update = ledgerUpdate(w);
    const createForAnalytics = { action: "create" as const, name: "new-sink", teamId: w.analytics.id, config: { "connector.class": FILE_SINK, topics: "t" } };
    const create = (actor: Actor, items: Parameters<typeof draftBy>[1]) => outcome(() => draftBy(actor, items));
    expect(await create("anonymous", [update])).toBe("UNAUTHORIZED");
    expect(await create("viewer", [update])).toBe("FORBIDDEN");
    expect(await create("owner", [update])).toBe("OK");
    expect(await create("otherOwner", [update])).toBe("FORBIDDEN");
    expect(await create("owner", [createForAnalytics])).toBe("FORBIDDEN");
    expect(await create("otherOwner", [{ action: "pause", connectorId: w.ledger.id }])).toBe("FORBIDDEN");
    expect(await create("approver", [update])).toBe("OK");
    expect(await create("admin", [{ ...createForAnalytics, name: "other-sink" }])).toBe("OK");
  });

  it("update, submit and cancel: only the author or an admin", async () => {
    for (const mutation of ["update", "submit", "cancel"] as const) {
      const { id } = await draftBy("owner");
      const run = (actor: Actor) =>
        outcome(() => {
          const cr = w.caller(actor).changeRequest;
          if (mutation === "update") return cr.update({ id, title: "Renamed" });
          if (mutation === "submit") return cr.submit({ id });
          return cr.cancel({ id });
        });
      expect(await run("viewer"), mutation).toBe("FORBIDDEN");
      expect(await run("otherOwner"), mutation).toBe("FORBIDDEN");
      expect(await run("approver"), mutation).toBe("FORBIDDEN");
      expect(await run("owner"), mutation).toBe("OK");
      const other = await draftBy("owner");
      const adminRun = w.caller("admin").changeRequest;
      expect(await outcome(() => (mutation === "update" ? adminRun.update({ id: other.id, title: "x" }) : mutation === "submit" ? adminRun.submit({ id: other.id }) : adminRun.cancel({ id: other.id }))), mutation).toBe("OK");
    }
  });

  it("review: approve and reject need an approver; comments need an owner; viewers are refused", async () => {
    const id = await inReviewBy("owner");
    const review = (actor: Actor, decision: "approve" | "reject" | "comment") => outcome(() => w.caller(actor).changeRequest.review({ id, decision, comment: "looks fine" }));
    expect(await review("viewer", "comment")).toBe("FORBIDDEN");
    expect(await review("viewer", "approve")).toBe("FORBIDDEN");
    expect(await review("otherOwner", "approve")).toBe("FORBIDDEN");
    expect(await review("otherOwner", "reject")).toBe("FORBIDDEN");
    expect(await review("otherOwner", "comment")).toBe("OK");
    expect(await review("owner", "comment")).toBe("OK");
    expect(await review("approver", "approve")).toBe("OK");
    expect(await review("admin", "reject")).toBe("OK");
  });

  it("refresh and deploy: viewers and other owners are refused", async () => {
    const id = await inReviewBy("owner");
    for (const actor of ["viewer", "otherOwner"] as const) {
      expect(await outcome(() => w.caller(actor).changeRequest.deploy({ id }))).toBe("FORBIDDEN");
      expect(await outcome(() => w.caller(actor).changeRequest.refresh({ id }))).toBe("FORBIDDEN");
    }
  });

  it("import, validate and adopt: viewers are refused; adopting needs an approver", async () => {
    const text = JSON.stringify({ connectors: [] });
    expect(await outcome(() => w.caller("viewer").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "t", teamId: w.payments.id }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").changeRequest.validate({ clusterId: w.prod.id, connectorClass: FILE_SINK, config: {} }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").adopt.listCandidates({ clusterId: w.prod.id }))).toBe("FORBIDDEN");
    for (const actor of ["viewer", "owner"] as const) {
      expect(await outcome(() => w.caller(actor).adopt.import({ clusterId: w.prod.id, connectors: [{ name: "x", teamId: w.payments.id }] }))).toBe("FORBIDDEN");
    }
  });
});

describe("reviews and approvals", () => {
  it("refuses self-approval even when the author is an approver, and says why on the page", async () => {
    const id = await inReviewBy("approver");
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("FORBIDDEN");
    const page = await w.caller("approver").changeRequest.byId({ id });
    expect(page.permissions.canApprove).toEqual({ allowed: false, reason: "You wrote a revision of this change request, so you cannot approve it." });
    expect(page.approvals).toEqual({ count: 0, required: 2 });
  });

  it("approves once the cluster's policy is met", async () => {
    const id = await inReviewBy("owner");
    expect((await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" })).status).toBe("in_review");
    expect((await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" })).status).toBe("approved");
    expect((await w.caller("owner").changeRequest.byId({ id })).approvals).toEqual({ count: 2, required: 2 });
  });

  it("dismisses an approval when the change request is edited afterwards", async () => {
    const id = await inReviewBy("owner");
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    expect((await w.caller("owner").changeRequest.byId({ id })).approvals.count).toBe(1);
    await w.caller("owner").changeRequest.update({ id, items: [ledgerUpdate(w, { "tasks.max": "3" })] });
    const page = await w.caller("owner").changeRequest.byId({ id });
    expect(page.approvals.count).toBe(0);
    expect(page.revision).toBe(2);
    expect(page.reviews.map((r) => [r.decision, r.dismissed])).toEqual([["approve", true]]);
  });

  it("requires a comment to reject", async () => {
    const id = await inReviewBy("owner");
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "reject", comment: " " }))).toBe("BAD_REQUEST");
    await w.caller("approver").changeRequest.review({ id, decision: "reject", comment: "wrong topic" });
    expect((await w.caller("owner").changeRequest.byId({ id })).status).toBe("rejected");
  });
});

describe("items", () => {
  it("refuses a connector twice, a name taken on the cluster, a reserved key and a bad name", async () => {
    expect(await outcome(() => draftBy("owner", [ledgerUpdate(w), { action: "pause", connectorId: w.ledger.id }] ))).toBe("BAD_REQUEST");
    const create = (name: string, config: Record<string, string>) => outcome(() => draftBy("admin", [{ action: "create", name, teamId: w.payments.id, config }]));
    expect(await create("analytics-clicks", { "connector.class": FILE_SINK })).toBe("CONFLICT");
    expect(await create("fresh", { "connector.class": FILE_SINK, "switchboard.id": "x" })).toBe("BAD_REQUEST");
    expect(await create("bad/name", { "connector.class": FILE_SINK })).toBe("BAD_REQUEST");
    expect(await create("no-class", { topics: "t" })).toBe("BAD_REQUEST");
  });

  it("keeps the stored secret when the masked value comes back, and stores a new one encrypted", async () => {
    const { id } = await draftBy("owner");
    let page = await w.caller("owner").changeRequest.byId({ id });
    const item = page.items[0];
    expect(item?.proposedConfig?.["ledger.api.token"]).toBe("(sensitive)");
    expect(item?.diff.find((d) => d.key === "ledger.api.token")).toEqual({ key: "ledger.api.token", status: "unchanged", before: null, after: null, sensitive: true });
    expect(item?.diff.find((d) => d.key === "tasks.max")).toMatchObject({ status: "changed", before: "1", after: "2" });

    await w.caller("owner").changeRequest.update({ id, items: [ledgerUpdate(w, { "ledger.api.token": "rotated-token-value" })] });
    page = await w.caller("owner").changeRequest.byId({ id });
    expect(page.items[0]?.diff.find((d) => d.key === "ledger.api.token")?.status).toBe("changed");
    expect(JSON.stringify(page)).not.toContain("rotated-token-value");
    expect(JSON.stringify(page)).not.toContain(SECRET);
  });
});

describe("deploy", () => {
  async function approvedCr() {
    const id = await inReviewBy("owner");
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    return id;
  }

  it("is refused below the cluster's policy", async () => {
    const id = await inReviewBy("owner");
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    await expect(w.caller("owner").changeRequest.deploy({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await listJobs(w.db)).toEqual([]);
  });

  it("at policy moves to deploying, queues the deployment and enqueues one job locked per cluster", async () => {
    const id = await approvedCr();
    const { deploymentId, jobId } = await w.caller("owner").changeRequest.deploy({ id });
    const page = await w.caller("owner").changeRequest.byId({ id });
    expect(page.status).toBe("deploying");
    expect(page.deployments).toEqual([expect.objectContaining({ id: deploymentId, status: "queued" })]);
    const [job] = await listJobs(w.db);
    expect(job).toMatchObject({ id: jobId, kind: "deploy", lockKey: `deploy:${w.prod.id}`, status: "queued" });
    expect(jobPayload(job as NonNullable<typeof job>)).toEqual({ deploymentId });
    const [deployment] = await listDeployments(w.db, { changeRequestId: id });
    expect(JSON.stringify(deployment)).not.toContain(SECRET);
    const audit = await listAuditEvents(w.db, { entityType: "changeRequest", entityId: id });
    expect(audit.items.map((e) => e.action)).toContain("changeRequest.deploying");
    await expect(w.caller("owner").changeRequest.deploy({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("deploys an in-review change request at once when the cluster needs no approval", async () => {
    const { id } = await w.caller("owner").changeRequest.create({
      clusterId: w.dev.id,
      title: "New sink",
      rationale: "",
      items: [{ action: "create", name: "dev-sink", teamId: w.payments.id, config: { "connector.class": FILE_SINK, topics: "t" }, desiredState: "RUNNING" }],
    });
    expect(await outcome(() => w.caller("owner").changeRequest.deploy({ id }))).toBe("PRECONDITION_FAILED");
    await w.caller("owner").changeRequest.submit({ id });
    expect(await outcome(() => w.caller("owner").changeRequest.deploy({ id }))).toBe("OK");
  });

  it("is blocked by a stale item until refresh, which re-bases it and dismisses the approvals", async () => {
    const id = await approvedCr();
    // Another change lands first: version 2 with a new file and the same secret.
    await updateConnector(w.db, null, w.ledger.id, {
      definition: { config: { ...w.ledger.config, file: "/tmp/ledger-v2.txt" }, secrets: await getConnectorSecrets(w.db, w.ledger.id) },
    });
    const live = w.fake.connectors.get("payments-ledger");
    if (live) live.config = { ...live.config, file: "/tmp/ledger-v2.txt", "switchboard.version": "2" };
    const stalePage = await w.caller("owner").changeRequest.byId({ id });
    expect(stalePage.stale).toEqual([expect.objectContaining({ connectorName: "payments-ledger", baseVersion: 1, currentVersion: 2 })]);
    expect(stalePage.permissions.canDeploy.allowed).toBe(false);
    expect(stalePage.permissions.canRefresh.allowed).toBe(true);
    await expect(w.caller("owner").changeRequest.deploy({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("refresh") });

    await w.caller("owner").changeRequest.refresh({ id });
    const page = await w.caller("owner").changeRequest.byId({ id });
    expect(page.stale).toEqual([]);
    expect(page.status).toBe("in_review");
    expect(page.approvals.count).toBe(0);
    const diff = Object.fromEntries((page.items[0]?.diff ?? []).filter((d) => d.status !== "unchanged").map((d) => [d.key, d.after]));
    // Only the author's change remains; the other change's file is kept, not reverted.
    expect(diff).toEqual({ "tasks.max": "2" });

    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    expect(await outcome(() => w.caller("owner").changeRequest.deploy({ id }))).toBe("OK");
  });
});

describe("list", () => {
  it("filters by status and 'mine' and counts per status", async () => {
    await inReviewBy("owner");
    await draftBy("owner");
    await draftBy("otherOwner", [{ action: "pause", connectorId: w.clicks.id }]);
    const all = await w.caller("viewer").changeRequest.list({ page: 1, pageSize: 10 });
    expect(all.total).toBe(3);
    expect(all.counts).toMatchObject({ draft: 2, in_review: 1 });
    const mine = await w.caller("owner").changeRequest.list({ mine: true, status: "draft", page: 1, pageSize: 10 });
    expect(mine.items.map((i) => i.author.email)).toEqual(["owner@example.com"]);
  });
});
