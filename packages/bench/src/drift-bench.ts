/**
 * Drift detection latency on the real stack: from a raw `PUT /connectors/{name}/config` behind
 * Switchboard's back to the drift incident in the database, and from the config put back to the
 * incident closed. Config drift is found by the monitor's REST poll (the status topic carries no
 * config), so the figure is bounded by the cluster's poll interval, stated with the result. A worker
 * loop runs in this process on its own SQLite database. Alone:
 * `pnpm --filter @switchboard/bench drift` against the stack the `SWITCHBOARD_*` variables name.
 * Only the connector `drift-bench-*` is touched.
 */
import { createConnectClient } from "@switchboard/connect-client/client";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { getOpenDriftIncident } from "@switchboard/db/repos/drift";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb } from "@switchboard/db/testing";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { endpoints as stackEndpoints, stackConfig, type StackEndpoints } from "@switchboard/stack/stack";
import { startWorker } from "@switchboard/worker/loop";
import { stats, until } from "./measure";

const TRIALS = 10;
const POLL_SECONDS = 2;
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

type Options = { endpoints: StackEndpoints; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };



export async function benchDriftDetection({ endpoints, record, log }: Options): Promise<void> {
  const { connectUrls } = endpoints;
  const name = `drift-bench-${Date.now().toString(36)}`;
  const t = await createTestDb();
  const client = createConnectClient({ urls: connectUrls });
  const stop = new AbortController();
  let worker: Promise<void> | undefined;
  try {
    // No bootstrap servers: the REST poll, every POLL_SECONDS, is what reads configs.
    const cluster = await createCluster(t.db, null, { name: "bench", environment: "dev", connectUrls, approvalsRequired: 1, monitorIntervalSeconds: POLL_SECONDS });
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
      workerId: "drift-bench",
      signal: stop.signal,
      pollMs: 20,
      deliverNotifications: false,
      services: { log: quiet, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 1_000, pollIntervalMs: 250, verifyTimeoutMs: 90_000 } },
    });

    log(`drift: creating ${name} through a change request`);
    const cr = await createChangeRequest(t.db, owner.id, {
      clusterId: cluster.id,
      title: "bench",
      items: [{ action: "create", connectorName: name, teamId: team.id, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${name}-topic` }, proposedState: "RUNNING" }],
    });
    await submitForReview(t.db, owner, cr.id);
    await review(t.db, approver, cr.id, "approve", "");
    const { deploymentId } = await deploy(t.db, owner, cr.id);
    const d = await until("finished deployment", async () => {
      const x = await getDeployment(t.db, deploymentId);
      return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
    }, 150_000, 20);
    if (d.status !== "succeeded") throw new Error("drift bench: the connector could not be created");
    const approved = (await client.getConnector(name))?.config;
    if (!approved) throw new Error("drift bench: the connector has no config");

    const toIncident: number[] = [];
    const toClosed: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      // Start at a random point of the poll cycle, as an operator's edit would.
      await new Promise((r) => setTimeout(r, Math.random() * POLL_SECONDS * 1000));
      let t0 = performance.now();
      await client.putConfig(name, { ...approved, "tasks.max": "2" });
      await until("drift incident", async () => ((await getOpenDriftIncident(t.db, cluster.id, name)) ? true : undefined));
      toIncident.push(Math.round(performance.now() - t0));
      await new Promise((r) => setTimeout(r, Math.random() * POLL_SECONDS * 1000));
      t0 = performance.now();
      await client.putConfig(name, approved);
      await until("drift incident closed", async () => ((await getOpenDriftIncident(t.db, cluster.id, name)) ? undefined : true));
      toClosed.push(Math.round(performance.now() - t0));
    }
    const opened = stats(toIncident);
    const closed = stats(toClosed);
    record(
      "driftDetection",
      { pollIntervalSeconds: POLL_SECONDS, toIncident: opened, toClosed: closed },
      `drift detection (REST poll every ${POLL_SECONDS} s, ${TRIALS} trials): raw PUT → drift incident median ${opened.medianMs} ms, p95 ${opened.p95Ms} ms, max ${opened.maxMs} ms; config put back → incident closed median ${closed.medianMs} ms, max ${closed.maxMs} ms`,
    );
  } finally {
    stop.abort();
    await worker;
    await client.deleteConnector(name).catch(() => undefined);
    await client.close();
    await t.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDriftDetection({
    endpoints: stackEndpoints(stackConfig()),
    record: (_key, _value, line) => console.log(line),
    log: (m) => console.error(`bench: ${m}`),
  });
}
