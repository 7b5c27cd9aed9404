/**
 * The attacks on change control that reach a cluster, against the real local stack: API calls with
 * real sessions (createCaller), the real worker loop, the real Connect REST client, and the cluster's
 * own answers read back over REST.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getChangeRequest } from "@switchboard/db/repos/change-requests";
import { updateCluster } from "@switchboard/db/repos/clusters";
import { getDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createConnectClient, type ConnectClient } from "@switchboard/connect-client/client";
import { webManager } from "@switchboard/domain/change-pipeline";
import type { DeploymentReport } from "@switchboard/domain/deployments";
import { stampConfig } from "@switchboard/engine/managed";
import { putConnector, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "@switchboard/worker/loop";
import { silentLog, waitFor } from "@switchboard/worker/worker.fixture";
import { withConnect } from "../connect-context";
import { buildWorld, type Actor, type World } from "../routers/change-request.fixture";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";

const { connectUrls } = testEndpoints();
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

let t: TestDb;
let w: World;
let rest: ConnectClient;
let stop: AbortController;
let loop: Promise<void> | undefined;

type Items = Parameters<ReturnType<World["caller"]>["changeRequest"]["create"]>[0]["items"];

const client = () => createConnectClient({ urls: connectUrls, timeoutMs: 60_000 });
const caller = (actor: Exclude<Actor, "anonymous">) => createCaller(withConnect(createContextInner({ db: t.db, user: w.users[actor] }), client));
const sink = (topics: string, extra: Record<string, string> = {}): Record<string, string> => ({ "connector.class": MOCK_SINK, topics, "tasks.max": "1", ...extra });

/** Waits until every worker's expanded listing shows `name` (each answers from its own copy of the config topic). */
async function visible(name: string): Promise<void> {
  for (const url of connectUrls) {
    const one = createConnectClient({ urls: [url], timeoutMs: 30_000 });
    await waitFor(async () => (await one.listConnectors()).some((c) => c.name === name), 30_000, `${url} to list ${name}`);
    await one.close();
  }
}

async function live(name: string): Promise<Record<string, string> | null> {
  return (await rest.getConnector(name))?.config ?? null;
}

function runWorker(): void {
  loop ??= startWorker({
    db: t.db,
    workerId: "real-attack-worker",
    signal: stop.signal,
    pollMs: 100,
    scheduleHealth: false,
    deliverNotifications: false,
    services: { connectFor: client, topicsFor: () => undefined, log: silentLog, applyOptions: { settleMs: 1_500, pollIntervalMs: 300, verifyTimeoutMs: 60_000 } },
  });
}

const finished = (deploymentId: string): Promise<Deployment> =>
  waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 120_000, `deployment ${deploymentId} to end`);

async function approved(author: Exclude<Actor, "anonymous">, items: Items): Promise<string> {
  const { id } = await caller(author).changeRequest.create({ clusterId: w.prod.id, title: "change", rationale: "", items });
  await caller(author).changeRequest.submit({ id });
  await caller("approver").changeRequest.review({ id, decision: "approve", comment: "" });
  await caller("approver2").changeRequest.review({ id, decision: "approve", comment: "" });
  return id;
}

beforeAll(() => {
  rest = client();
});
afterAll(async () => {
  await rest.close();
  await resetCluster(connectUrls);
});

beforeEach(async () => {
  await resetCluster(connectUrls);
  t = await createTestDb();
  w = await buildWorld(t.db);
  stop = new AbortController();
  loop = undefined;
  // The world's two connectors, deployed for real: Mock sinks stamped by the web app of this cluster.
  await updateCluster(t.db, null, w.prod.id, { connectUrls });
  for (const c of [w.ledger, w.clicks]) {
    await t.db.connector.update({ where: { id: c.id }, data: { configJson: JSON.stringify(sink(c.config.topics ?? "t")) } });
    await putConnector(c.name, stampConfig({ ...sink(c.config.topics ?? "t"), ...(c.id === w.ledger.id ? { "ledger.api.token": "s3cr3t-ledger-token-value" } : {}) }, { id: c.id, version: 1, manager: webManager(w.prod.id) }), connectUrls);
  }
});
afterEach(async () => {
  stop.abort();
  await loop;
  await t.cleanup();
});

describe("on the real stack", () => {
  it("3. two teams, one new name: the second deploy is refused naming the owner and the first team's connector is untouched", async () => {
    const first = await approved("owner", [{ action: "create", name: "sb-shared-name", teamId: w.payments.id, config: sink("sb-payments") }]);
    const second = await approved("otherOwner", [{ action: "create", name: "sb-shared-name", teamId: w.analytics.id, config: sink("sb-analytics") }]);
    const a = await caller("owner").changeRequest.deploy({ id: first });
    const b = await caller("otherOwner").changeRequest.deploy({ id: second });
    runWorker();
    expect((await finished(a.deploymentId)).status).toBe("succeeded");
    const refused = await finished(b.deploymentId);
    expect(refused.status).toBe("failed");
    expect((refused.report as DeploymentReport).error).toContain("owned by team payments");
    expect(await getChangeRequest(t.db, second)).toMatchObject({ status: "failed" });
    expect(await live("sb-shared-name")).toMatchObject({ topics: "sb-payments", "switchboard.managed-by": webManager(w.prod.id) });
  });

  it("3. a name held on the cluster by a connector another manager stamped is never overwritten", async () => {
    const id = await approved("owner", [{ action: "create", name: "sb-held", teamId: w.payments.id, config: sink("sb-payments") }]);
    const { deploymentId } = await caller("owner").changeRequest.deploy({ id });
    // Taken by the CLI between the queueing and the worker (held already, the deploy call itself is refused).
    const foreign = stampConfig(sink("sb-cli"), { id: "cli.sb-held", version: 2, manager: "cli/platform" });
    await putConnector("sb-held", foreign, connectUrls);
    await visible("sb-held");
    await expect(approved("otherOwner", [{ action: "create", name: "sb-held", teamId: w.analytics.id, config: sink("sb-x") }]).then((again) => caller("otherOwner").changeRequest.deploy({ id: again }))).rejects.toMatchObject({
      message: expect.stringContaining("managed by cli/platform"),
    });
    runWorker();
    const d = await finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toContain("managed by cli/platform");
    expect(await live("sb-held")).toEqual({ ...foreign, name: "sb-held" });
  });

  it("5. two approved changes of one connector deployed back to back: the second is refused as stale, the first stays", async () => {
    const update = (tasks: string, topics: string): Items[number] => ({ action: "update", connectorId: w.ledger.id, config: { ...sink(topics, { "tasks.max": tasks }), "ledger.api.token": "(sensitive)" } });
    const first = await approved("owner", [update("2", "payments.ledger")]);
    const second = await approved("owner", [update("1", "sb-other")]);
    const a = await caller("owner").changeRequest.deploy({ id: first });
    const b = await caller("owner").changeRequest.deploy({ id: second });
    runWorker();
    expect((await finished(a.deploymentId)).status).toBe("succeeded");
    const refused = await finished(b.deploymentId);
    expect(refused.status).toBe("failed");
    expect((refused.report as DeploymentReport).error).toMatch(/stale/);
    expect(await live(w.ledger.name)).toMatchObject({ "tasks.max": "2", topics: "payments.ledger", "switchboard.version": "2" });
  });

  it("5. a connector whose live version moved on since the change was written is not overwritten", async () => {
    const id = await approved("owner", [{ action: "update", connectorId: w.ledger.id, config: { ...sink("payments.ledger", { "tasks.max": "2" }), "ledger.api.token": "(sensitive)" } }]);
    const { deploymentId } = await caller("owner").changeRequest.deploy({ id });
    // Someone else deploys it between the queueing and the worker.
    const { name: _name, ...current } = (await live(w.ledger.name)) ?? {};
    const moved = { ...current, "switchboard.version": "7", topics: "sb-moved" };
    await putConnector(w.ledger.name, moved, connectUrls);
    await waitFor(async () => (await live(w.ledger.name))?.["switchboard.version"] === "7", 30_000, "the moved version");
    runWorker();
    const d = await finished(deploymentId);
    expect(d.status).toBe("failed");
    expect((d.report as DeploymentReport).error).toMatch(/version/);
    expect(await live(w.ledger.name)).toMatchObject({ topics: "sb-moved", "switchboard.version": "7" });
  });

  it("9. credentials inside values reach the cluster but no viewer", async () => {
    const URL_PASS = "real-url-pass-123456";
    const config = sink("sb-billing", { "connection.url": `jdbc:postgresql://app:${URL_PASS}@db:5432/x`, "http.headers": "Authorization: Bearer real-hdr-token-789" });
    const id = await approved("owner", [{ action: "create", name: "sb-billing", teamId: w.payments.id, config }]);
    const { deploymentId } = await caller("owner").changeRequest.deploy({ id });
    runWorker();
    expect((await finished(deploymentId)).status).toBe("succeeded");
    expect(await live("sb-billing")).toMatchObject({ "connection.url": config["connection.url"], "http.headers": config["http.headers"] });
    const connectorId = (await getChangeRequest(t.db, id))?.items[0]?.id as string;
    const viewer = caller("viewer");
    const text = JSON.stringify([
      await viewer.connector.byId({ id: connectorId }),
      await viewer.connector.liveStatus({ id: connectorId }),
      await viewer.changeRequest.byId({ id }),
      await viewer.deployment.report({ id: deploymentId }),
      await viewer.changeRequest.exportStateFile({ clusterId: w.prod.id }),
    ]);
    expect(text).not.toContain(URL_PASS);
    expect(text).not.toContain("real-hdr-token-789");
    expect(text).toContain("jdbc:postgresql://app:(sensitive)@db:5432/x");
  });
});
