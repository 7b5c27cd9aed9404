/**
 * Losing the Connect group's leader in the middle of an apply, on the real stack (one broker, two
 * workers). Until the survivor takes over, a write sent to it answers 500 "IO Error trying to forward
 * REST request" and a write sent to the dead worker finds its port closed.
 */
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyPlan } from "@switchboard/engine/apply";
import type { Plan, PlanAction } from "@switchboard/engine/model";
import { ensureWorkersUp, findConnectLeader, resetCluster, testEndpoints } from "@switchboard/stack/cluster-fixture";
import { startWorker, stopWorker } from "@switchboard/stack/stack";
import { createConnectClient, type ConnectClient } from "./client";

const { connectUrls, bootstrap } = testEndpoints();
const COUNT = 50;
let admin: Admin;
let client: ConnectClient | undefined;

beforeAll(async () => {
  admin = new Kafka({ brokers: [bootstrap], clientId: "leader-loss-test", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await ensureWorkersUp();
  await resetCluster(connectUrls);
});

afterAll(async () => {
  // Whatever happened above, the next test file needs both workers, and 50 idle tasks less.
  await ensureWorkersUp();
  await resetCluster(connectUrls);
  await admin.disconnect();
  await client?.close();
});

function createMockSink(i: number): PlanAction {
  const name = `leader-loss-${String(i).padStart(2, "0")}`;
  const id = `it.${name}`;
  const config = {
    "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector",
    topics: "sb-it",
    "tasks.max": "1",
    "switchboard.id": id,
    "switchboard.version": "1",
    "switchboard.managed-by": "it:leader-loss",
  };
  return { kind: "create", name, id, version: 1, config, state: "RUNNING", reason: "new" };
}

it(`applies ${COUNT} connectors although the worker leading the Connect group is killed mid-apply`, async () => {
  const actions = Array.from({ length: COUNT }, (_, i) => createMockSink(i));
  const plan: Plan = {
    actions,
    topicsToCreate: [],
    topicsToDelete: [],
    unmanaged: [],
    managedElsewhere: [],
    conflicts: [],
    warnings: [],
    expected: Object.fromEntries(actions.map((a) => [a.name, "RUNNING" as const])),
  };
  // Every HTTP attempt of a write: failovers from the dead worker and retries of unforwarded writes show up here.
  const attempts: string[] = [];
  client = createConnectClient({ urls: connectUrls, onRequest: ({ method, path }) => method !== "GET" && attempts.push(path) });
  const started = Date.now();
  const done: number[] = [];
  const uncertain: string[] = [];
  let kill: Promise<{ worker: 1 | 2; at: number }> | undefined;
  let restart: Promise<number> | undefined;
  // Which worker leads is read just before the apply, while the group is at rest (Stable). Mid-apply
  // the group rebalances after every new connector and asking the broker then can take longer than
  // the writes left; the leader does not change meanwhile, since no member leaves the group.
  const leader = await findConnectLeader(admin);

  const report = await applyPlan(plan, client, {
    // A bound of 4 writes in flight leaves writes to do when the leader dies, also on a fast machine.
    concurrency: 4,
    settleMs: 2_000,
    pollIntervalMs: 500,
    verifyTimeoutMs: 120_000,
    onEvent: (e) => {
      if (e.type !== "step-done") return;
      done.push(Date.now());
      if (e.error) uncertain.push(e.error);
      // A few writes have landed and more are in flight: kill whichever worker leads now, then bring
      // it back as a supervisor would once it has noticed.
      if (done.length === 5) {
        const at = Date.now();
        kill = stopWorker(leader, undefined, { kill: true }).then(() => ({ worker: leader, at }));
        restart = kill.then(async ({ worker }) => {
          await new Promise((r) => setTimeout(r, 5_000));
          await startWorker(worker);
          return Date.now();
        });
      }
    },
  });
  const finished = Date.now();
  expect(kill, "the leader was never killed: the apply ended too early").toBeDefined();
  const killed = await kill!;
  const restarted = await restart!;
  // The longest pause between two completed writes after the kill: how long Connect completed no write.
  const after = [killed.at, ...done.filter((t) => t >= killed.at)];
  const gaps = after.slice(1).map((t, i) => t - after[i]!);
  console.log(
    `leader-loss: killed worker ${killed.worker} at +${killed.at - started} ms, restarted at +${restarted - started} ms; ` +
      `writes stalled for ${Math.max(0, ...gaps)} ms; apply took ${finished - started} ms (verification ${report.verification.durationMs} ms); ` +
      `${attempts.length} write attempts for ${COUNT} writes; ${uncertain.length} write(s) uncertain after the client's retries`,
    ...new Set(uncertain.map((u) => u.replace(/^.*? failed with /, "").slice(0, 160))),
  );

  expect(done.filter((t) => t > killed.at).length, "no write was left when the leader died").toBeGreaterThan(0);
  expect(report.ok, JSON.stringify({ count: report.failures.length, failures: report.failures.slice(0, 5) })).toBe(true);
  expect(report.added).toHaveLength(COUNT);
  expect(report.verification.connectors.filter((c) => c.ok)).toHaveLength(COUNT);
  const live = await client.listConnectors();
  expect(live.map((c) => c.name).sort()).toEqual(actions.map((a) => a.name));
  // The killed worker's return rebalances the group once more: tasks are reassigned, then all run.
  const c = client;
  await expect
    .poll(async () => (await c.listConnectors()).filter((x) => x.tasks.length === 1 && x.tasks[0]?.state === "RUNNING").length, { timeout: 60_000, interval: 500 })
    .toBe(COUNT);
});
