/**
 * Helpers for tests against the real local stack: endpoints from the environment set by
 * `pnpm test`, and a reset to a clean cluster (no connectors) before each scenario.
 */
import { CONNECT_GROUP_ID, endpoints, stackConfig, startWorker, type StackConfig } from "./stack";

export function testEndpoints(env: NodeJS.ProcessEnv = process.env): { connectUrls: string[]; bootstrap: string; connectUrlsB: string[]; statusTopic: string; statusTopicB: string } {
  const fallback = endpoints();
  return {
    connectUrls: env.SWITCHBOARD_CONNECT ? env.SWITCHBOARD_CONNECT.split(",") : fallback.connectUrls,
    bootstrap: env.SWITCHBOARD_BOOTSTRAP ?? fallback.bootstrap,
    connectUrlsB: env.SWITCHBOARD_CONNECT_B ? env.SWITCHBOARD_CONNECT_B.split(",") : fallback.connectUrlsB,
    statusTopic: fallback.statusTopic,
    statusTopicB: fallback.statusTopicB,
  };
}

async function connectJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  if (res.status === 204) return null;
  const body = await res.text();
  if (!res.ok && res.status !== 404) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${body}`);
  return body ? JSON.parse(body) : null;
}

/** Deletes every connector and waits until the cluster lists none. */
export async function resetCluster(urls = testEndpoints().connectUrls): Promise<void> {
  const base = urls[0]!;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const names = (await connectJson(`${base}/connectors`)) as string[];
    if (names.length === 0) return;
    if (Date.now() > deadline) throw new Error(`connectors still present after reset: ${names.join(", ")}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(
        names.slice(i, i + 10).map((n) => connectJson(`${base}/connectors/${encodeURIComponent(n)}`, { method: "DELETE" }).catch(() => {})),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Puts a connector straight through Connect's REST API (to set up unmanaged connectors), and waits
 * until every worker lists it: each worker answers from its own copy of the config topic.
 */
export async function putConnector(name: string, config: Record<string, string>, urls = testEndpoints().connectUrls): Promise<void> {
  await connectJson(`${urls[0]}/connectors/${encodeURIComponent(name)}/config`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  const deadline = Date.now() + 30_000;
  for (const url of urls) {
    while (!((await connectJson(`${url}/connectors`)) as string[]).includes(name)) {
      if (Date.now() > deadline) throw new Error(`${url} does not list ${name}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * The slice of a kafkajs admin client that {@link findConnectLeader} uses. The caller passes its own
 * admin: this package does not depend on kafkajs.
 */
export type GroupDescriber = {
  describeGroups(groupIds: string[]): Promise<{ groups: Array<{ groupId: string; state: string; members: Array<{ memberAssignment: Buffer }> }> }>;
};

/**
 * Reads the head of a Connect member assignment as the broker stores it (Connect's own protocol, the
 * same in its eager and cooperative versions): version int16, error int16, leader string, leaderUrl
 * string (strings as int16 length + UTF-8), then offsets and assignments that are not read here.
 */
export function parseConnectAssignment(buf: Buffer): { version: number; error: number; leader: string; leaderUrl: string } {
  let at = 0;
  const int16 = () => {
    const v = buf.readInt16BE(at);
    at += 2;
    return v;
  };
  const string = () => {
    const length = int16();
    const s = buf.toString("utf8", at, at + length);
    at += length;
    return s;
  };
  return { version: int16(), error: int16(), leader: string(), leaderUrl: string() };
}

/**
 * Which worker (1 or 2) leads the stack's Connect group right now. The broker shows assignments only
 * while the group is Stable (Connect rebalances on every new connector), so this asks again until it
 * is and every member names the same leader URL, then maps that URL's port to a worker.
 */
export async function findConnectLeader(admin: GroupDescriber, cfg: StackConfig = stackConfig(), timeoutMs = 30_000): Promise<1 | 2> {
  const deadline = Date.now() + timeoutMs;
  let last = "not asked";
  for (;;) {
    const group = (await admin.describeGroups([CONNECT_GROUP_ID])).groups.find((g) => g.groupId === CONNECT_GROUP_ID);
    const assignments = group?.members.filter((m) => m.memberAssignment.length > 0).map((m) => parseConnectAssignment(m.memberAssignment)) ?? [];
    const urls = new Set(assignments.map((a) => a.leaderUrl));
    last = `group ${group?.state ?? "missing"}, leader URLs [${[...urls].join(", ")}]`;
    if (group?.state === "Stable" && assignments.length === group.members.length && urls.size === 1) {
      const port = Number(new URL([...urls][0]!).port);
      const index = cfg.workerPorts.indexOf(port);
      if (index === 0 || index === 1) return (index + 1) as 1 | 2;
      last = `leader URL ${[...urls][0]} is not a worker of this stack (ports ${cfg.workerPorts.join(", ")})`;
    }
    if (Date.now() > deadline) throw new Error(`could not find the Connect group leader within ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts whichever worker is down and waits until both answer: leaves the stack whole for the next test file. */
export async function ensureWorkersUp(cfg: StackConfig = stackConfig()): Promise<void> {
  await Promise.all([startWorker(1, cfg), startWorker(2, cfg)]);
}
