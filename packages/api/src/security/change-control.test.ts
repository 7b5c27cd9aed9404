/**
 * Attacks on change control, one per case of "Change control you can trust", each through the API
 * with real sessions (createCaller with a user as the HTTP handler builds it) and, where the attack
 * reaches the cluster, followed through the worker to the (fake) cluster.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { updateCluster } from "@switchboard/db/repos/clusters";
import { getConnector } from "@switchboard/db/repos/connectors";
import { listJobs } from "@switchboard/db/repos/jobs";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { stampConfig } from "@switchboard/engine/managed";
import { ConnectError, type ConfigValidation } from "@switchboard/engine/port";
import { FILE_SINK, ledgerUpdate, type Actor } from "../routers/change-request.fixture";
import { appRouter, createCaller } from "../root";
import { createContextInner } from "../trpc";
import { buildAttackWorld, changeUser, outcome, waitFor, type AttackWorld } from "./world";

let t: TestDb;
let w: AttackWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await buildAttackWorld(t.db);
});
afterEach(async () => {
  await w.stop();
  await t.cleanup();
});

type Items = Parameters<ReturnType<AttackWorld["caller"]>["changeRequest"]["create"]>[0]["items"];

const sink = (topics: string, extra: Record<string, string> = {}) => ({ "connector.class": FILE_SINK, topics, file: `/tmp/${topics}.txt`, ...extra });

async function draft(actor: Actor, items: Items, clusterId = w.prod.id) {
  return (await w.caller(actor).changeRequest.create({ clusterId, title: "change", rationale: "", items })).id;
}

/** Drafted by `author`, submitted, approved by both approvers. */
async function approved(author: Actor, items: Items): Promise<string> {
  const id = await draft(author, items);
  await w.caller(author).changeRequest.submit({ id });
  await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
  await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
  return id;
}

describe("1. the server alone decides what is secret", () => {
  it("ignores the keys a client marks secret: topics and connector.class stay visible to the approver", async () => {
    const hostile = { action: "create", name: "payments-orders", teamId: w.payments.id, config: sink("payments.orders"), secretKeys: ["topics", "connector.class"] };
    const id = await draft("owner", [hostile as Items[number]]);
    const page = await w.caller("approver").changeRequest.byId({ id });
    const rows = page.items[0]?.diff ?? [];
    expect(rows.find((r) => r.key === "topics")).toMatchObject({ sensitive: false, after: "payments.orders" });
    expect(rows.find((r) => r.key === "connector.class")).toMatchObject({ sensitive: false, after: FILE_SINK });
    expect(page.items[0]?.secretKeys).toEqual([]);
  });

  it("asks the cluster which keys are PASSWORD-typed on create, update and state-file import", async () => {
    const typed = ["irc.nick.auth"];
    w.fake.validateConfig = async (_class, config): Promise<ConfigValidation> => ({
      errorCount: 0,
      configs: Object.keys(config).map((name) => ({ name, type: typed.includes(name) ? "PASSWORD" : "STRING", errors: [] })),
    });
    const created = await draft("owner", [{ action: "create", name: "irc-sink", teamId: w.payments.id, config: sink("irc", { "irc.nick.auth": "nick-pass-111" }) }]);
    const updated = await draft("owner", [ledgerUpdate(w, { "irc.nick.auth": "nick-pass-222" })]);
    const file = JSON.stringify({ connectors: [{ id: "imported", name: "irc-import", owner: { team: "payments" }, config: sink("irc2", { "irc.nick.auth": "nick-pass-333" }) }] });
    const imported = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text: file, title: "import", teamId: w.payments.id });
    if (!imported.ok || !imported.changeRequestId) throw new Error("import refused");
    for (const id of [created, updated, imported.changeRequestId]) {
      const page = await w.caller("viewer").changeRequest.byId({ id });
      expect(page.items[0]?.secretKeys).toContain("irc.nick.auth");
      expect(page.items[0]?.diff.find((r) => r.key === "irc.nick.auth")).toMatchObject({ sensitive: true, before: null, after: null });
      expect(JSON.stringify(page)).not.toMatch(/nick-pass-\d/);
    }
  });

  it("refuses to store a config when the cluster cannot say which keys are passwords", async () => {
    w.fake.failNext("validateConfig", new ConnectError("UNREACHABLE", "no Kafka Connect worker answered"));
    expect(await outcome(() => draft("owner", [{ action: "create", name: "x-sink", teamId: w.payments.id, config: sink("x", { "irc.nick.auth": "p" }) }]))).toBe("PRECONDITION_FAILED");
    expect((await w.caller("owner").changeRequest.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });
});

describe("2. whoever wrote any revision never approves", () => {
  it("an admin who rewrites an owner's change cannot approve it; the report lists every writer", async () => {
    const id = await draft("owner", [ledgerUpdate(w)]);
    await w.caller("owner").changeRequest.submit({ id });
    await w.caller("admin").changeRequest.update({ id, items: [ledgerUpdate(w, { "tasks.max": "5" })] });
    expect(await outcome(() => w.caller("admin").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("FORBIDDEN");
    const page = await w.caller("admin").changeRequest.byId({ id });
    expect(page.permissions.canApprove.allowed).toBe(false);
    expect(page.writers.map((x) => x.email)).toEqual(["owner@example.com", "admin@example.com"]);

    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    expect((await w.caller("owner").changeRequest.byId({ id })).status).toBe("in_review");
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    w.startWorker();
    const report = (await w.finished(deploymentId)).report as DeploymentReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.writers.map((x) => x.email)).toEqual(["owner@example.com", "admin@example.com"]);
    expect(report.approvals.map((a) => a.reviewer.email).sort()).toEqual(["approver2@example.com", "approver@example.com"]);
  });

  it("an admin's approval followed by the admin's own edit does not count", async () => {
    const id = await draft("owner", [ledgerUpdate(w)]);
    await w.caller("owner").changeRequest.submit({ id });
    await w.caller("admin").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    // Approved, then rewritten by one of its approvers before anyone deploys.
    expect(await outcome(() => w.caller("admin").changeRequest.update({ id, title: "sneaky" }))).toBe("PRECONDITION_FAILED");
    const reviewing = await draft("owner", [ledgerUpdate(w, { "tasks.max": "3" })]);
    await w.caller("owner").changeRequest.submit({ id: reviewing });
    await w.caller("admin").changeRequest.review({ id: reviewing, decision: "approve", comment: "" });
    await w.caller("admin").changeRequest.update({ id: reviewing, title: "edited by its approver" });
    await w.caller("approver").changeRequest.review({ id: reviewing, decision: "approve", comment: "" });
    const page = await w.caller("owner").changeRequest.byId({ id: reviewing });
    expect(page.approvals).toEqual({ count: 1, required: 2 });
    expect(await outcome(() => w.caller("admin").changeRequest.review({ id: reviewing, decision: "approve", comment: "" }))).toBe("FORBIDDEN");
  });
});

describe("3. one new name, two teams", () => {
  const shared = (topics: string): Items[number] => ({ action: "create", name: "shared-name", teamId: "", config: sink(topics) });

  it("refuses the second team at draft, submit, approval and deploy, naming the owner, and never overwrites the first", async () => {
    const first = await approved("owner", [{ ...shared("payments.one"), teamId: w.payments.id } as Items[number]]);
    const second = await draft("otherOwner", [{ ...shared("analytics.one"), teamId: w.analytics.id } as Items[number]]);
    await w.caller("otherOwner").changeRequest.submit({ id: second });
    await w.caller("approver").changeRequest.review({ id: second, decision: "approve", comment: "" });

    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id: first });
    w.startWorker();
    expect((await w.finished(deploymentId)).status).toBe("succeeded");
    const live = w.fake.connectors.get("shared-name")?.config;
    // The second team's preview never plans to delete the first team's connector: it is a name clash.
    const preview = await w.caller("approver2").changeRequest.preview({ id: second });
    expect(preview).toMatchObject({ ok: true, valid: false, conflicts: [expect.stringContaining("of team payments")] });
    expect(preview.ok && preview.plan?.actions.filter((a) => a.kind === "delete")).toEqual([]);

    await expect(w.caller("approver2").changeRequest.review({ id: second, decision: "approve", comment: "" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("owned by team payments") });
    await expect(w.caller("otherOwner").changeRequest.deploy({ id: second })).rejects.toMatchObject({ message: expect.stringContaining("owned by team payments") });
    await expect(draft("otherOwner", [{ ...shared("analytics.two"), teamId: w.analytics.id } as Items[number]])).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("owned by team payments") });
    expect(w.fake.connectors.get("shared-name")?.config).toEqual(live);
  });

  it("when both were queued before either ran, the worker refuses the second and leaves the first's connector alone", async () => {
    const first = await approved("owner", [{ ...shared("payments.one"), teamId: w.payments.id } as Items[number]]);
    const second = await approved("otherOwner", [{ ...shared("analytics.one"), teamId: w.analytics.id } as Items[number]]);
    const a = await w.caller("owner").changeRequest.deploy({ id: first });
    const b = await w.caller("otherOwner").changeRequest.deploy({ id: second });
    w.startWorker();
    expect((await w.finished(a.deploymentId)).status).toBe("succeeded");
    const refused = await w.finished(b.deploymentId);
    expect(refused.status).toBe("failed");
    expect((refused.report as DeploymentReport).error).toContain("owned by team payments");
    expect(await getChangeRequest(t.db, second)).toMatchObject({ status: "failed", statusNote: expect.stringContaining("owned by team payments") });
    expect(w.fake.connectors.get("shared-name")?.config.topics).toBe("payments.one");
  });

  it("a name held on the cluster by a connector stamped with another id is refused at deploy, and by the worker if it appears later", async () => {
    const foreign = { ...stampConfig(sink("cli.topic"), { id: "cli.shared", version: 3, manager: "cli/platform" }), name: "shared-name" };
    const hold = () => w.fake.connectors.set("shared-name", { config: foreign, state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }], type: "sink" });
    hold();
    const id = await approved("owner", [{ ...shared("payments.one"), teamId: w.payments.id } as Items[number]]);
    const preview = await w.caller("approver").changeRequest.preview({ id });
    expect(preview).toMatchObject({ ok: true, valid: false, conflicts: [expect.stringContaining("managed by cli/platform")] });
    await expect(w.caller("owner").changeRequest.deploy({ id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("managed by cli/platform") });

    // Queued while the name was free, taken before the worker got to it: refused then, untouched.
    w.fake.connectors.delete("shared-name");
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    hold();
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toContain("nothing was applied");
    expect(w.fake.connectors.get("shared-name")?.config).toEqual(foreign);
    expect(w.fake.calls.filter((c) => ["putConfig", "createConnector", "deleteConnector"].includes(c.method))).toEqual([]);
  });
});

describe("4. no state can be stuck", () => {
  it("a deploy whose retries run out ends failed, with its change request, and can be retried or cancelled", async () => {
    const id = await approved("owner", [ledgerUpdate(w)]);
    const { deploymentId, jobId } = await w.caller("owner").changeRequest.deploy({ id });
    await t.db.job.update({ where: { id: jobId }, data: { maxAttempts: 1 } });
    w.fake.failNext("listConnectors", new ConnectError("UNREACHABLE", "no Kafka Connect worker answered"));
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toContain("no Kafka Connect worker answered");
    expect(await getChangeRequest(t.db, id)).toMatchObject({ status: "failed", statusNote: expect.stringContaining("planning failed") });

    expect(await outcome(() => w.caller("otherOwner").changeRequest.retryDeploy({ id }))).toBe("FORBIDDEN");
    expect(await outcome(() => w.caller("viewer").changeRequest.retryDeploy({ id }))).toBe("FORBIDDEN");
    const retry = await w.caller("owner").changeRequest.retryDeploy({ id });
    expect((await w.finished(retry.deploymentId)).status).toBe("succeeded");
    expect((await getChangeRequest(t.db, id))?.status).toBe("deployed");
  });

  it("a partly applied deploy can be retried: what it recorded is not mistaken for a name clash", async () => {
    const id = await approved("owner", [
      { action: "create", name: "part-a", teamId: w.payments.id, config: sink("a") },
      { action: "create", name: "part-b", teamId: w.payments.id, config: sink("b") },
    ]);
    const createConnector = w.fake.createConnector.bind(w.fake);
    let failing = true;
    w.fake.createConnector = async (name, config, state) => {
      await createConnector(name, config, state);
      if (name === "part-b" && failing) w.fake.failTask(name, 0, "java.lang.RuntimeException: boom");
    };
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).connectors.find((c) => c.name === "part-a")).toMatchObject({ ok: true, recorded: true });

    failing = false;
    w.fake.connectors.delete("part-b");
    const retry = await w.caller("owner").changeRequest.retryDeploy({ id });
    expect((await w.finished(retry.deploymentId)).status).toBe("succeeded");
    expect((await getChangeRequest(t.db, id))?.status).toBe("deployed");
  });

  it("a deploy whose worker died on its last attempt is ended by the sweep, not left running", async () => {
    const id = await approved("owner", [ledgerUpdate(w)]);
    const { deploymentId, jobId } = await w.caller("owner").changeRequest.deploy({ id });
    await t.db.job.update({ where: { id: jobId }, data: { maxAttempts: 1 } });
    // A worker takes the job and dies: it never answers and never renews its lease again.
    const { claimJob } = await import("@switchboard/db/repos/jobs");
    expect((await claimJob(t.db, ["deploy"], "dead-worker", 50))?.id).toBe(jobId);
    await new Promise((r) => setTimeout(r, 100));
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toMatch(/lease expired/);
    expect((await getChangeRequest(t.db, id))?.status).toBe("failed");
    expect((await listJobs(t.db)).find((j) => j.id === jobId)?.status).toBe("failed");
    await w.caller("owner").changeRequest.cancel({ id });
    expect((await getChangeRequest(t.db, id))?.status).toBe("cancelled");
  });
});

describe("5. the worker does not trust the queue", () => {
  it("refuses a queued deploy whose approver was disabled meanwhile", async () => {
    const id = await approved("owner", [ledgerUpdate(w)]);
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    await changeUser(w, "approver2", { disabled: true });
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toContain("1 of 2 required approvals");
    expect(w.fake.connectors.get("payments-ledger")?.config["tasks.max"]).toBe("1");
    const page = await w.caller("owner").changeRequest.byId({ id });
    expect(page.reviews.find((r) => r.reviewer.email === "approver2@example.com")).toMatchObject({ counted: false, reviewerNow: "disabled" });
    expect(page.approvals.count).toBe(1);
  });

  it("refuses a queued deploy whose approver was demoted, or whose cluster's policy was raised", async () => {
    const demoted = await approved("owner", [ledgerUpdate(w)]);
    const a = await w.caller("owner").changeRequest.deploy({ id: demoted });
    await changeUser(w, "approver", { role: "viewer" });
    w.startWorker();
    expect((await w.finished(a.deploymentId)).status).toBe("failed");

    await changeUser(w, "approver", { role: "approver" });
    const raised = await approved("owner", [ledgerUpdate(w, { "tasks.max": "7" })]);
    await updateCluster(t.db, w.users.admin.id, w.prod.id, { approvalsRequired: 3 });
    const b = await w.caller("owner").changeRequest.deploy({ id: raised }).catch(() => null);
    expect(b).toBeNull();
    expect(w.fake.connectors.get("payments-ledger")?.config["tasks.max"]).toBe("1");
  });

  it("deploys two approved changes of one connector back to back: the second is refused as stale, never reverting the first", async () => {
    const first = await approved("owner", [ledgerUpdate(w, { "tasks.max": "2" })]);
    const second = await approved("owner", [ledgerUpdate(w, { "tasks.max": "3", topics: "payments.other" })]);
    const a = await w.caller("owner").changeRequest.deploy({ id: first });
    const b = await w.caller("owner").changeRequest.deploy({ id: second });
    w.startWorker();
    expect((await w.finished(a.deploymentId)).status).toBe("succeeded");
    const refused = await w.finished(b.deploymentId);
    expect(refused.status).toBe("failed");
    expect((refused.report as DeploymentReport).error).toMatch(/stale: payments-ledger was written against version 1 but is now at version 2/);
    expect(w.fake.connectors.get("payments-ledger")?.config).toMatchObject({ "tasks.max": "2", topics: "payments.ledger", "switchboard.version": "2" });
    expect(await getConnector(t.db, w.ledger.id)).toMatchObject({ version: 2, config: expect.objectContaining({ "tasks.max": "2" }) });
  });

  it("does not overwrite a connector whose live version moved on since the change was written (compare-and-set)", async () => {
    const id = await approved("owner", [ledgerUpdate(w, { "tasks.max": "2" })]);
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    // Someone else deploys this connector between the queueing and the worker.
    const ledger = w.fake.connectors.get("payments-ledger");
    if (!ledger) throw new Error("no ledger");
    ledger.config = { ...ledger.config, "switchboard.version": "5", "tasks.max": "9" };
    w.startWorker();
    const d = await w.finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toMatch(/version/);
    expect(w.fake.connectors.get("payments-ledger")?.config["tasks.max"]).toBe("9");
  });
});

describe("replayed and reordered calls", () => {
  it("refuses approving a draft, deploying before approval, and replaying a deploy or an approval", async () => {
    const id = await draft("owner", [ledgerUpdate(w)]);
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("PRECONDITION_FAILED");
    expect(await outcome(() => w.caller("owner").changeRequest.deploy({ id }))).toBe("PRECONDITION_FAILED");
    await w.caller("owner").changeRequest.submit({ id });
    await w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
    expect(await outcome(() => w.caller("approver").changeRequest.review({ id, decision: "approve", comment: "" }))).toBe("PRECONDITION_FAILED");
    expect((await w.caller("owner").changeRequest.byId({ id })).approvals.count).toBe(1);
    await w.caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
    await w.caller("owner").changeRequest.deploy({ id });
    expect(await outcome(() => w.caller("owner").changeRequest.deploy({ id }))).toBe("PRECONDITION_FAILED");
    expect(await outcome(() => w.caller("owner").changeRequest.update({ id, title: "after approval" }))).toBe("PRECONDITION_FAILED");
    expect((await listJobs(t.db)).filter((j) => j.kind === "deploy")).toHaveLength(1);
  });
});

describe("9. credentials inside values", () => {
  const URL_PASS = "url-pass-123456";
  const HEADER_TOKEN = "hdr-token-456789";
  const ACCOUNT_KEY = "acct-key-789012";
  const values = [URL_PASS, HEADER_TOKEN, ACCOUNT_KEY];
  const config = sink("payments.billing", {
    "connection.url": `jdbc:postgresql://app:${URL_PASS}@db:5432/payments`,
    "http.headers": `Authorization: Bearer ${HEADER_TOKEN}`,
    "azure.blob.storage.account.key": ACCOUNT_KEY,
  });

  it("never reach a viewer or an approver in responses, exports, diffs, the audit log, traces or validator messages", async () => {
    const id = await approved("owner", [{ action: "create", name: "billing-sink", teamId: w.payments.id, config }]);
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    w.startWorker();
    expect((await w.finished(deploymentId)).status).toBe("succeeded");
    const connectorId = (await getChangeRequest(t.db, id))?.items[0]?.id as string;
    w.fake.failTask("billing-sink", 0, `org.postgresql.util.PSQLException: FATAL: password authentication failed\n\tat jdbc:postgresql://app:${URL_PASS}@db:5432/payments (token ${HEADER_TOKEN})`);
    w.fake.validateConfig = async (_c, cfg): Promise<ConfigValidation> => ({
      errorCount: 1,
      configs: Object.keys(cfg).map((name) => ({ name, type: "STRING", errors: name === "connection.url" ? [`Cannot connect with ${cfg[name]}`] : [] })),
    });

    const viewer = w.caller("viewer");
    const responses = [
      await viewer.connector.byId({ id: connectorId }),
      await viewer.connector.board({ page: 1, pageSize: 50 }),
      await viewer.connector.liveStatus({ id: connectorId }),
      await viewer.changeRequest.byId({ id }),
      await viewer.changeRequest.preview({ id }),
      await viewer.changeRequest.exportStateFile({ clusterId: w.prod.id }),
      await viewer.deployment.report({ id: deploymentId }),
      await w.caller("admin").audit.list({ page: 1 }),
      await w.caller("owner").changeRequest.validate({ clusterId: w.prod.id, connectorClass: FILE_SINK, config }),
    ];
    const text = JSON.stringify(responses);
    for (const v of values) expect(text).not.toContain(v);
    const shown = await viewer.connector.byId({ id: connectorId });
    expect(shown.config["connection.url"]).toBe("jdbc:postgresql://app:(sensitive)@db:5432/payments");
    expect(shown.config["http.headers"]).toBe("Authorization: Bearer (sensitive)");
    expect(shown.config["azure.blob.storage.account.key"]).toBe("(sensitive)");
    expect(JSON.stringify(await viewer.connector.liveStatus({ id: connectorId }))).toContain("jdbc:postgresql://app:(sensitive)@db:5432/payments");
  });

  it("keeps the stored credential when the redacted value comes back from the editor, and a changed host shows in the diff", async () => {
    const id = await approved("owner", [{ action: "create", name: "billing-sink", teamId: w.payments.id, config }]);
    const { deploymentId } = await w.caller("owner").changeRequest.deploy({ id });
    w.startWorker();
    await w.finished(deploymentId);
    const connectorId = (await getChangeRequest(t.db, id))?.items[0]?.id as string;
    const shown = (await w.caller("owner").connector.byId({ id: connectorId })).config;
    const edit = await draft("owner", [{ action: "update", connectorId, config: { ...shown, "connection.url": shown["connection.url"]?.replace("db:5432", "db2:5432") ?? "" } }]);
    const row = (await w.caller("approver").changeRequest.byId({ id: edit })).items[0]?.diff.find((r) => r.key === "connection.url");
    expect(row).toMatchObject({ status: "changed", before: "jdbc:postgresql://app:(sensitive)@db:5432/payments", after: "jdbc:postgresql://app:(sensitive)@db2:5432/payments", sensitive: true });
    await w.caller("owner").changeRequest.submit({ id: edit });
    await w.caller("approver").changeRequest.review({ id: edit, decision: "approve", comment: "" });
    await w.caller("approver2").changeRequest.review({ id: edit, decision: "approve", comment: "" });
    const second = await w.caller("owner").changeRequest.deploy({ id: edit });
    expect((await w.finished(second.deploymentId)).status).toBe("succeeded");
    expect(w.fake.connectors.get("billing-sink")?.config["connection.url"]).toBe(`jdbc:postgresql://app:${URL_PASS}@db2:5432/payments`);
  });
});

describe("10. typed secrets never travel in URLs", () => {
  it("answers a GET of the validator with METHOD_NOT_SUPPORTED: it takes a POST body only", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { clusterId: w.prod.id, connectorClass: FILE_SINK, config: { "db.password": "in-the-url" } } }));
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://switchboard.test/api/trpc/changeRequest.validate?input=${input}`),
      router: appRouter,
      createContext: () => createContextInner({ db: t.db, user: w.users.owner }),
    });
    expect(res.status).toBe(405);
    expect(await res.text()).toContain("METHOD_NOT_SUPPORTED");
  });
});

describe("11. cluster credentials and connection tests", () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeEach(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? "");
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error_code: 404, message: "INTERNAL-ONLY-BODY-abc123" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses credential variables outside SWITCHBOARD_CLUSTER_ and never sends other variables", async () => {
    const admin = w.caller("admin");
    expect(await outcome(() => admin.cluster.update({ id: w.prod.id, authUsernameEnv: "SWITCHBOARD_CLUSTER_USER", authPasswordEnv: "NEXTAUTH_SECRET" }))).toBe("BAD_REQUEST");
    process.env.NEXTAUTH_SECRET_FOR_TEST = "never-leaves-the-server";
    const cluster = await updateCluster(t.db, null, w.prod.id, { connectUrls: [url], authUsernameEnv: "SWITCHBOARD_CLUSTER_USER", authPasswordEnv: "NEXTAUTH_SECRET_FOR_TEST" });
    const real = createCaller(createContextInner({ db: t.db, user: w.users.admin }));
    const result = await real.cluster.testConnection({ id: cluster.id });
    expect(result.ok).toBe(false);
    expect(seen.join()).not.toContain(Buffer.from("never-leaves-the-server").toString("base64").slice(0, 12));
    expect(JSON.stringify(result)).not.toContain("never-leaves-the-server");
    delete process.env.NEXTAUTH_SECRET_FOR_TEST;
  });

  it("does not echo what the other side answered", async () => {
    const cluster = await updateCluster(t.db, null, w.prod.id, { connectUrls: [url] });
    const result = await createCaller(createContextInner({ db: t.db, user: w.users.admin })).cluster.testConnection({ id: cluster.id });
    expect(result).toEqual({ ok: false, error: expect.stringContaining("HTTP 404") });
    expect(JSON.stringify(result)).not.toContain("INTERNAL-ONLY-BODY");
  });
});

describe("13. input limits", () => {
  const create = (name: string, config: Record<string, string> = sink("t")): Items[number] => ({ action: "create", name, teamId: w.payments.id, config });

  it("refuses Connect-unsafe names, oversized configs and too many items with clear errors, creating nothing", async () => {
    for (const name of [".", "..", "a/b", "x".repeat(250)]) expect(await outcome(() => draft("owner", [create(name)])), name).toBe("BAD_REQUEST");
    const wide = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`k${i}`, "v"]));
    await expect(draft("owner", [create("wide", { ...sink("t"), ...wide })])).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("at most 500 keys") });
    await expect(draft("owner", [create("long", sink("t", { "some.value": "x".repeat(70_000) }))])).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("65,536 characters") });
    const many = Array.from({ length: 201 }, (_, i) => create(`n-${i}`));
    await expect(draft("owner", many)).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("At most 200 changes") });
    expect((await w.caller("owner").changeRequest.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("refuses a state file that would make a change request of more than 200 items", async () => {
    const text = JSON.stringify({ connectors: Array.from({ length: 201 }, (_, i) => ({ id: `f-${i}`, name: `f-${i}`, owner: { team: "payments" }, config: sink(`t${i}`) })) });
    const result = await w.caller("owner").changeRequest.importStateFile({ clusterId: w.prod.id, text, title: "big", teamId: w.payments.id });
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining("at most 200") })] });
  });
});
