/**
 * GitOps on the real stack, through the automation API in this process (the REST handler called with
 * `Request`s, a real token): a state file's sync on a cluster that needs no approval, answered once
 * the deploy was verified on the cluster; the deployment's end to its commit on the Git mirror (a
 * bare repository in the temporary directory, read every 50 ms); a propose of a 50-connector file
 * with one change on a governed cluster; and the validate route's time per call for that file. A
 * worker loop runs in this process on its own SQLite database. Alone:
 * `pnpm --filter @switchboard/bench gitops` against the stack the `SWITCHBOARD_*` variables name.
 * Only connectors named `gitops-bench-*` are touched.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { createRestHandler } from "@switchboard/api/rest/handler";
import { API_BASE } from "@switchboard/api/rest/openapi";
import { createConnectClient } from "@switchboard/connect-client/client";
import { createCluster, updateCluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { endpoints as stackEndpoints, stackConfig, type StackEndpoints } from "@switchboard/stack/stack";
import { startWorker } from "@switchboard/worker/loop";
import { stats, until } from "./measure";

const TRIALS = 8;
const VALIDATE_CALLS = 30;
const FLEET = 50;
const WORKER_POLL_MS = 20;
const GIT_POLL_MS = 50;
/** The sync's wait reads the deployment every 250 ms (waitForOperation's default). */
const SYNC_WAIT_POLL_MS = 250;
const APPLY = { settleMs: 1_000, pollIntervalMs: 250, verifyTimeoutMs: 90_000 };
const BRANCH = "main";
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

type Options = { endpoints: StackEndpoints; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };
type Answer = { status: number; body: { outcome?: string; deploymentId?: string | null; updated?: string[]; update?: string[]; unchanged?: string[]; error?: unknown } };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Entry = { name: string; state: "RUNNING" | "STOPPED"; tasks: string };

/** A canonical state file; the fleet is STOPPED so 50 idle tasks do not load the 2 cores. */
const stateFile = (entries: Entry[]) =>
  JSON.stringify(
    {
      connectors: entries.map((e) => ({
        id: `gitops-bench.${e.name}`,
        name: e.name,
        version: 1,
        state: e.state,
        owner: { team: "payments", email: "payments-oncall@example.com" },
        config: { "connector.class": MOCK_SINK, "tasks.max": e.tasks, topics: `${e.name}-topic` },
      })),
    },
    null,
    2,
  );

export async function benchGitOps({ endpoints, record, log }: Options): Promise<void> {
  const { connectUrls } = endpoints;
  const tag = `gitops-bench-${Date.now().toString(36)}`;
  const single = `${tag}-sink`;
  const fleet = Array.from({ length: FLEET }, (_, i) => `${tag}-${String(i).padStart(2, "0")}`);
  const t = await createTestDb();
  const client = createConnectClient({ urls: connectUrls });
  const bare = await mkdtemp(join(tmpdir(), "gitops-bench-"));
  const stop = new AbortController();
  let worker: Promise<void> | undefined;
  try {
    const git = simpleGit(bare);
    await git.init(true, [`--initial-branch=${BRANCH}`]);
    /** Commits on the mirror's branch (0 before the first). */
    const commits = async () => Number((await git.raw(["rev-list", "--count", BRANCH]).catch(() => "0")).trim());

    const cluster = await createCluster(t.db, null, {
      name: "gitops-bench",
      environment: "dev",
      connectUrls,
      approvalsRequired: 0,
      gitRepository: bare,
      gitBranch: BRANCH,
      gitPath: "clusters/gitops-bench.json",
    });
    const team = await createTeam(t.db, null, { name: "payments" });
    const u = await createUser(t.db, null, { email: "owner@example.com", name: "Olive Owner", role: "owner", password: "password-for-bench" });
    await addMember(t.db, null, team.id, u.id);
    const owner = (await getSessionUser(t.db, u.id)) as SessionUser;
    const { secret } = await createToken(t.db, owner, { name: "bench", expiresInDays: 1, role: "owner" });
    const handler = createRestHandler({ db: t.db, publicUrl: "http://switchboard.test" });
    const post = async (route: "sync" | "validate", body: Record<string, unknown>): Promise<Answer> => {
      const res = await handler(
        new Request(`http://switchboard.test${API_BASE}/clusters/${cluster.id}/${route}`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ teamId: team.id, ...body }),
        }),
      );
      return { status: res.status, body: (await res.json()) as Answer["body"] };
    };
    /** Syncs and waits for the deploy; throws unless it was deployed within the wait. */
    const syncDeployed = async (text: string) => {
      const answer = await post("sync", { text, title: "bench", wait: 60 });
      if (answer.status !== 200 || answer.body.outcome !== "deployed" || !answer.body.deploymentId) throw new Error(`gitops bench: sync answered ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.deploymentId;
    };
    const committed = (after: number) => until("commit on the mirror", async () => ((await commits()) > after ? true : undefined), 60_000, GIT_POLL_MS);
    worker = startWorker({
      db: t.db,
      workerId: "gitops-bench",
      signal: stop.signal,
      pollMs: WORKER_POLL_MS,
      scheduleHealth: false,
      deliverNotifications: false,
      watchStatusTopics: false,
      services: { log: quiet, publicUrl: "http://switchboard.test", applyOptions: APPLY },
    });

    log(`gitops: creating ${single} with one sync`);
    await syncDeployed(stateFile([{ name: single, state: "RUNNING", tasks: "1" }]));
    await committed(0);

    const roundTrip: number[] = [];
    const toCommit: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const before = await commits();
      // Read the branch from before the request, so a commit that lands while the sync answers is seen at once.
      const watching = committed(before).then(() => Date.now());
      watching.catch(() => undefined); // awaited below, unless the sync failed first
      const t0 = performance.now();
      const deploymentId = await syncDeployed(stateFile([{ name: single, state: "RUNNING", tasks: trial % 2 === 0 ? "2" : "1" }]));
      roundTrip.push(Math.round(performance.now() - t0));
      const seenAt = await watching;
      const d = await getDeployment(t.db, deploymentId);
      if (!d?.finishedAt) throw new Error("gitops bench: the deployment has no finishedAt");
      toCommit.push(seenAt - d.finishedAt.getTime());
    }

    log(`gitops: deploying ${FLEET} STOPPED connectors, then the cluster needs one approval`);
    const fleetEntries = fleet.map((name): Entry => ({ name, state: "STOPPED", tasks: "1" }));
    const fleetCommits = await commits();
    await syncDeployed(stateFile(fleetEntries));
    await committed(fleetCommits);
    await updateCluster(t.db, null, cluster.id, { approvalsRequired: 1 });
    const oneChange = (k: number) => stateFile(fleetEntries.map((e, i) => (i === k ? { ...e, tasks: "2" } : e)));

    const propose: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const text = oneChange(trial);
      const t0 = performance.now();
      const answer = await post("sync", { text, title: `bench ${trial}`, mode: "propose" });
      propose.push(Math.round(performance.now() - t0));
      if (answer.status !== 202 || answer.body.outcome !== "in_review" || answer.body.updated?.join() !== fleet[trial]) throw new Error(`gitops bench: propose answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }

    const validate: number[] = [];
    const text = oneChange(0);
    for (let call = 0; call < VALIDATE_CALLS; call++) {
      const t0 = performance.now();
      const answer = await post("validate", { text });
      validate.push(Math.round((performance.now() - t0) * 10) / 10);
      if (answer.status !== 200 || answer.body.update?.length !== 1 || answer.body.unchanged?.length !== FLEET - 1) throw new Error(`gitops bench: validate answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }

    const settings = { workerPollMs: WORKER_POLL_MS, syncWaitPollMs: SYNC_WAIT_POLL_MS, gitPollMs: GIT_POLL_MS, ...APPLY };
    record(
      "gitopsSettings",
      settings,
      `gitops settings: worker poll ${WORKER_POLL_MS} ms; deploy verification holds each changed connector RUNNING ${APPLY.settleMs} ms, Connect read every ${APPLY.pollIntervalMs} ms; the sync's wait reads the deployment every ${SYNC_WAIT_POLL_MS} ms; the bare repository is read every ${GIT_POLL_MS} ms`,
    );
    const rt = stats(roundTrip);
    record(
      "gitopsSyncRoundTrip",
      rt,
      `sync round trip, no approval (${TRIALS} trials): one MockSink's tasks.max changed → POST /clusters/{id}/sync wait 60 → 200 deployed (incl. verification on the cluster) median ${rt.medianMs} ms, p95 ${rt.p95Ms} ms, max ${rt.maxMs} ms`,
    );
    const gc = stats(toCommit);
    record(
      "gitopsDeployToCommit",
      gc,
      `deploy → commit (${TRIALS} trials): deployment finishedAt → the commit on the bare repository's ${BRANCH} median ${gc.medianMs} ms, p95 ${gc.p95Ms} ms, max ${gc.maxMs} ms (git-commit job: fetch, commit, push)`,
    );
    const pr = stats(propose);
    record(
      "gitopsPropose50",
      pr,
      `propose on a governed cluster (${TRIALS} trials): ${FLEET}-connector file, one changed → 202 in_review median ${pr.medianMs} ms, p95 ${pr.p95Ms} ms, max ${pr.maxMs} ms (import, plan against the live cluster, change request submitted)`,
    );
    const va = stats(validate);
    record(
      "gitopsValidate50",
      va,
      `validate of the ${FLEET}-connector file (${VALIDATE_CALLS} sequential calls): median ${va.medianMs} ms per call, p95 ${va.p95Ms} ms, max ${va.maxMs} ms (${(1000 / va.medianMs).toFixed(0)} calls/s)`,
    );
  } finally {
    stop.abort();
    await worker;
    for (const name of [single, ...fleet]) await client.deleteConnector(name).catch(() => undefined);
    await client.close();
    await rm(bare, { recursive: true, force: true });
    await t.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchGitOps({
    endpoints: stackEndpoints(stackConfig()),
    record: (_key, _value, line) => console.log(line),
    log: (m) => console.error(`bench: ${m}`),
  });
}
