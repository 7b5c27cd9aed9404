/**
 * Offset reset as a change on the real stack: the time from a reset's approval (deploy asked right
 * after) to the sink RUNNING again with all its tasks, as a REST poll every 100 ms sees it once the
 * deployment's offsets step ended; and to the deployment finished (its verification settled). A
 * worker loop runs in this process on its own SQLite database. Alone:
 * `pnpm --filter @switchboard/bench offsets` against the stack the `SWITCHBOARD_*` variables name.
 * Only connectors and topics named `offsets-bench-*` are touched.
 */
import { Kafka, logLevel } from "kafkajs";
import { createConnectClient } from "@switchboard/connect-client/client";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb } from "@switchboard/db/testing";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { endpoints as stackEndpoints, stackConfig, type StackEndpoints } from "@switchboard/stack/stack";
import { startWorker } from "@switchboard/worker/loop";
import { stats, until } from "./measure";

const TRIALS = 5;
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";
const STRING = "org.apache.kafka.connect.storage.StringConverter";

type Options = { endpoints: StackEndpoints; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };



export async function benchOffsetReset({ endpoints, record, log }: Options): Promise<void> {
  const { connectUrls, bootstrap } = endpoints;
  const tag = `offsets-bench-${Date.now().toString(36)}`;
  const topic = `${tag}-topic`;
  const name = `${tag}-sink`;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: tag, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 200 }, (_, i) => ({ partition: i % 2, value: `record ${i}` })) });
  await producer.disconnect();

  const t = await createTestDb();
  const client = createConnectClient({ urls: connectUrls });
  const stop = new AbortController();
  let worker: Promise<void> | undefined;
  try {
    const cluster = await createCluster(t.db, null, { name: "bench", environment: "dev", connectUrls, bootstrapServers: bootstrap, approvalsRequired: 1 });
    const team = await createTeam(t.db, null, { name: "payments" });
    const user = async (email: string, role: "owner" | "approver") => {
      const u = await createUser(t.db, null, { email, name: email, role, password: "password-for-bench" });
      if (role === "owner") await addMember(t.db, null, team.id, u.id);
      return (await getSessionUser(t.db, u.id)) as SessionUser;
    };
    const owner = await user("owner@example.com", "owner");
    const approver = await user("approver@example.com", "approver");
    worker = startWorker({
      db: t.db,
      workerId: "offsets-bench",
      signal: stop.signal,
      pollMs: 20,
      scheduleHealth: false,
      deliverNotifications: false,
      services: { log: quiet, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 250, verifyTimeoutMs: 90_000 } },
    });

    /** Approved, then deployed at once; resolves the approval's moment and the deployment. */
    const approveAndDeploy = async (items: Parameters<typeof createChangeRequest>[2]["items"]) => {
      const cr = await createChangeRequest(t.db, owner.id, { clusterId: cluster.id, title: "bench", items });
      await submitForReview(t.db, owner, cr.id);
      await review(t.db, approver, cr.id, "approve", "");
      const approvedAt = performance.now();
      const { deploymentId } = await deploy(t.db, owner, cr.id);
      return { cr, approvedAt, deploymentId };
    };
    const finished = (deploymentId: string) =>
      until("finished deployment", async () => {
        const d = await getDeployment(t.db, deploymentId);
        return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
      }, 150_000, 20);

    log(`offsets: creating ${name} and waiting for its committed offsets`);
    const created = await approveAndDeploy([{ action: "create", connectorName: name, teamId: team.id, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: topic, "key.converter": STRING, "value.converter": STRING }, proposedState: "RUNNING" }]);
    if ((await finished(created.deploymentId)).status !== "succeeded") throw new Error("offsets bench: the sink could not be created");
    const connectorId = created.cr.items[0]!.id;

    const toRunning: number[] = [];
    const toFinished: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      await until("committed offsets", async () => ((await client.getOffsets(name)).length === 2 ? true : undefined), 60_000, 200);
      const { approvedAt, deploymentId } = await approveAndDeploy([{ action: "reset_offsets", connectorId, connectorName: name, baseVersion: 1, payload: { offsets: [] } }]);
      await until("the offsets step to end", async () => ((await getDeployment(t.db, deploymentId))?.events.some((e) => (e as { type?: string }).type === "offsets-done") ? true : undefined), 120_000, 20);
      await until("RUNNING after the reset", async () => {
        const c = await client.getConnector(name);
        return c?.state === "RUNNING" && c.tasks.length > 0 && c.tasks.every((x) => x.state === "RUNNING") ? true : undefined;
      }, 120_000, 100);
      toRunning.push(performance.now() - approvedAt);
      const d = await finished(deploymentId);
      if (d.status !== "succeeded") throw new Error(`offsets bench: trial ${trial} failed: ${JSON.stringify((d.report as { failures?: unknown } | null)?.failures)}`);
      toFinished.push(d.finishedAt!.getTime() - d.createdAt.getTime());
    }
    const running = stats(toRunning.map(Math.round));
    const done = stats(toFinished);
    record("offsetReset", { toRunning: running, toDeployed: done }, `offset reset: approval → RUNNING median ${running.medianMs} ms (max ${running.maxMs} ms); deployment queued → finished median ${done.medianMs} ms, over ${TRIALS} trials`);
  } finally {
    stop.abort();
    await worker;
    await client.deleteConnector(name).catch(() => undefined);
    await client.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await t.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchOffsetReset({
    endpoints: stackEndpoints(stackConfig()),
    record: (_key, _value, line) => console.log(line),
    log: (m) => console.error(`bench: ${m}`),
  });
}
