/**
 * Helpers for tests against the real local stack: endpoints from the environment set by
 * `pnpm test`, and a reset to a clean cluster (no connectors) before each scenario.
 */
import { endpoints } from "./stack";

export function testEndpoints(env: NodeJS.ProcessEnv = process.env): { connectUrls: string[]; bootstrap: string } {
  const fallback = endpoints();
  return {
    connectUrls: env.SWITCHBOARD_CONNECT ? env.SWITCHBOARD_CONNECT.split(",") : fallback.connectUrls,
    bootstrap: env.SWITCHBOARD_BOOTSTRAP ?? fallback.bootstrap,
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
