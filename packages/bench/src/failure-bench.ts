/**
 * The time from a task failure on the real stack to its incident and to the owner's webhook, with
 * the REST poll at 60 s, so only the status topic can bring it in time. A worker loop runs in this
 * process on its own SQLite database; a local HTTP receiver stands for the owner's webhook. The
 * failure's moment is the timestamp Connect's worker gave the FAILED task record in the status topic,
 * read by a consumer of our own, so the figures hold Switchboard's part only; the time from the
 * PUT (Connect starting the task) is printed too.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Kafka, logLevel } from "kafkajs";
import { createCluster } from "@switchboard/db/repos/clusters";
import { createConnector } from "@switchboard/db/repos/connectors";
import { listIncidents } from "@switchboard/db/repos/health";
import { addContact, createTeam } from "@switchboard/db/repos/teams";
import { createTestDb } from "@switchboard/db/testing";
import { parseWebhookAllowlist } from "@switchboard/domain/webhooks";
import { putConnector, resetCluster } from "@switchboard/stack/cluster-fixture";
import type { StackEndpoints } from "@switchboard/stack/stack";
import { startWorker } from "@switchboard/worker/loop";
import { createWebhookSender } from "@switchboard/worker/senders";
import { stats, until } from "./measure";

const TRIALS = 10;
const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

type Options = { endpoints: StackEndpoints; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };



export async function benchFailureToWebhook({ endpoints, record, log }: Options): Promise<void> {
  const { connectUrls, bootstrap, statusTopic } = endpoints;
  await resetCluster(connectUrls);
  const t = await createTestDb();
  const hooks = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const name = /fail-bench-\d+/.exec(Buffer.concat(chunks).toString("utf8"))?.[0];
      if (name && !hooks.has(name)) hooks.set(name, Date.now());
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  // Our own reader of the status topic: when Connect wrote each FAILED task record.
  const failedAt = new Map<string, number>();
  const consumer = new Kafka({ brokers: [bootstrap], clientId: "failure-bench", logLevel: logLevel.NOTHING }).consumer({ groupId: `failure-bench-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: statusTopic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const m = /^status-task-(fail-bench-\d+)-0$/.exec(message.key?.toString() ?? "");
      if (m && message.value && message.value.toString().includes('"FAILED"') && !failedAt.has(m[1]!)) failedAt.set(m[1]!, Number(message.timestamp));
    },
  });

  const stop = new AbortController();
  let worker: Promise<void> | undefined;
  try {
    const cluster = await createCluster(t.db, null, { name: "bench", environment: "dev", connectUrls, bootstrapServers: bootstrap, statusTopic, approvalsRequired: 0, monitorIntervalSeconds: 60 });
    const team = await createTeam(t.db, null, { name: "payments" });
    await addContact(t.db, null, { kind: "webhook", target: hookUrl, teamId: team.id });
    const consuming = new Set<string>();
    worker = startWorker({
      db: t.db,
      workerId: "failure-bench",
      signal: stop.signal,
      onStatusConsuming: (id, on) => (on ? consuming.add(id) : consuming.delete(id)),
      services: { log: quiet, publicUrl: "http://switchboard.bench", postWebhook: createWebhookSender({ allowlist: parseWebhookAllowlist(new URL(hookUrl).host) }) },
    });
    await until("status-topic consumer", () => (consuming.has(cluster.id) ? true : undefined));
    const polls = () => t.db.job.count({ where: { kind: "health", status: "done" } });
    await until("first poll", async () => ((await polls()) >= 1 ? true : undefined));
    const pollsBefore = await polls();

    const toIncident: number[] = [];
    const toWebhook: number[] = [];
    const putToWebhook: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const name = `fail-bench-${i}`;
      const config = { "connector.class": FILE_SINK, "tasks.max": "1", topics: "fail-bench", file: `/nonexistent-fail-bench/${name}.txt` };
      const c = await createConnector(t.db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config, secrets: {} });
      const putAt = Date.now();
      await putConnector(name, config, connectUrls);
      const incident = await until("incident", async () => (await listIncidents(t.db, { connectorId: c.id, state: "open" })).items[0]);
      const hookAt = await until("webhook", () => hooks.get(name));
      const failure = await until("FAILED record", () => failedAt.get(name));
      toIncident.push(incident.openedAt.getTime() - failure);
      toWebhook.push(hookAt - failure);
      putToWebhook.push(hookAt - putAt);
      log(`failure ${i + 1}/${TRIALS}: incident +${toIncident.at(-1)} ms, webhook +${toWebhook.at(-1)} ms after Connect wrote FAILED`);
      await fetch(`${connectUrls[0]}/connectors/${name}`, { method: "DELETE" });
    }
    const pollsDuring = (await polls()) - pollsBefore;
    const incident = stats(toIncident);
    const webhook = stats(toWebhook);
    const fromPut = stats(putToWebhook);
    record(
      "failureToWebhook",
      { trials: TRIALS, pollIntervalSeconds: 60, pollsDuring, toIncident: incident, toWebhook: webhook, putToWebhook: fromPut },
      [
        `task failure → incident / webhook (status topic, REST poll at 60 s, ${TRIALS} trials, ${pollsDuring} poll(s) meanwhile):`,
        `  → incident: median ${incident.medianMs} ms, p95 ${incident.p95Ms} ms, max ${incident.maxMs} ms`,
        `  → webhook:  median ${webhook.medianMs} ms, p95 ${webhook.p95Ms} ms, max ${webhook.maxMs} ms (goal p95 < 2000 ms)`,
        `  from the PUT (incl. Connect starting the task): median ${fromPut.medianMs} ms, p95 ${fromPut.p95Ms} ms, max ${fromPut.maxMs} ms`,
      ].join("\n"),
    );
  } finally {
    stop.abort();
    await worker;
    await consumer.disconnect().catch(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    await t.cleanup();
    await resetCluster(connectUrls).catch(() => undefined);
  }
}
