/**
 * Seed 001 end to end on the real stack: a state file's ownerName/ownerEmail become the contacts of
 * the connector its import creates, and when that connector's task fails, the failure email reaches
 * the owner over a real (local) SMTP server. The stack is shared: this file creates one connector
 * named `owners-it-*` on cluster A and deletes only that one.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { listClusterConnectors } from "@switchboard/db/repos/connectors";
import { addMember, createTeam, listConnectorContacts } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { connectForCluster } from "@switchboard/domain/cluster-access";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { importStateFile } from "@switchboard/domain/state-file";
import { testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker } from "./loop";
import { createEmailSender } from "./senders";
import { MOCK_SINK, silentLog, waitFor } from "./worker.fixture";

const { connectUrls } = testEndpoints();
const NAME = `owners-it-${Date.now()}`;
const OWNER_EMAIL = "ivy.owner@example.com";

type Mail = { to: string[]; data: string };
const mails: Mail[] = [];
let smtp: SMTPServer;
let smtpPort: number;
let t: TestDb;
let cluster: Cluster;
const stop = new AbortController();
let worker: Promise<void> | undefined;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString("utf8").replace(/=\r?\n/g, "") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await createTestDb();
  // REST polls every 2 s; no status topic, so nothing else on the shared stack is consumed.
  cluster = await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, approvalsRequired: 1, monitorIntervalSeconds: 2 });
});

afterAll(async () => {
  stop.abort();
  await worker;
  const client = connectForCluster(cluster);
  await client.deleteConnector(NAME).catch(() => undefined);
  await client.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.cleanup();
});

it("imports a seed-001 state file, deploys it, and the failure email reaches the ownerEmail over SMTP", async () => {
  const team = await createTeam(t.db, null, { name: "billing" });
  const owner = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-tests" });
  const approver = await createUser(t.db, null, { email: "approver@example.com", name: "Alex Approver", role: "approver", password: "password-for-tests" });
  await addMember(t.db, null, team.id, owner.id);
  const ownerSession = (await getSessionUser(t.db, owner.id)) as SessionUser;

  // The task fails 15 s after it starts: after the deploy's verification, as a connector breaking in production would.
  const text = JSON.stringify({
    connectors: [
      {
        nameSpace: "billing",
        connectorName: NAME,
        connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "owners-it", mock_mode: "task-failure", delay_ms: "15000" },
        paused: false,
        ownerName: "Ivy Owner",
        ownerEmail: OWNER_EMAIL,
      },
    ],
  });
  const client = connectForCluster(cluster);
  let imported: Awaited<ReturnType<typeof importStateFile>>;
  try {
    imported = await importStateFile(t.db, ownerSession, { clusterId: cluster.id, text, title: "Billing from the old manager", teamId: team.id }, client);
  } finally {
    await client.close();
  }
  if (!imported.ok || !imported.changeRequestId) throw new Error(`import failed: ${JSON.stringify(imported)}`);
  const id = imported.changeRequestId;
  await submitForReview(t.db, ownerSession, id);
  await review(t.db, (await getSessionUser(t.db, approver.id)) as SessionUser, id, "approve", "");

  worker = startWorker({
    db: t.db,
    workerId: "owners-it-worker",
    signal: stop.signal,
    pollMs: 100,
    services: {
      log: silentLog,
      publicUrl: "http://switchboard.test",
      applyOptions: { settleMs: 1_000, pollIntervalMs: 500, verifyTimeoutMs: 60_000 },
      sendEmail: createEmailSender({ url: `smtp://127.0.0.1:${smtpPort}`, from: "Switchboard <switchboard@example.com>" }),
    },
  });
  const { deploymentId } = await deploy(t.db, ownerSession, id);
  const deployed = await waitFor(async () => {
    const d = await getDeployment(t.db, deploymentId);
    return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
  }, 120_000, "the deployment to finish");
  expect(deployed.status).toBe("succeeded");

  const connector = (await listClusterConnectors(t.db, cluster.id)).find((c) => c.name === NAME);
  if (!connector) throw new Error(`${NAME} was not recorded`);
  expect((await listConnectorContacts(t.db, connector.id)).map((c) => [c.kind, c.target, c.name])).toEqual([["email", OWNER_EMAIL, "Ivy Owner"]]);

  const mail = await waitFor(() => mails.find((m) => m.to.includes(OWNER_EMAIL)), 120_000, "the failure email to the owner");
  expect(mail.data).toMatch(new RegExp(`^Subject: \\[Switchboard\\] ${NAME} is FAILED on local$`, "m"));
  expect(mail.data).toContain(`http://switchboard.test/connectors/${connector.id}`);
});
