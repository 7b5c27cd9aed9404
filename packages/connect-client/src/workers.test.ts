import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectClient, withoutUserInfo } from "./client";

type Reply = (path: string, res: ServerResponse) => void;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** An HTTP server on 127.0.0.1 standing in for one worker; `reply` undefined = never answers. */
async function startWorker(reply?: Reply): Promise<{ url: string; seen: Array<{ path: string; headers: IncomingHttpHeaders }> }> {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    reply?.(req.url ?? "", res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, seen };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** A Connect worker of the given version; `health: false` answers /health with 404 as Kafka before 3.9 does. */
function connectWorker(version: string, opts: { health?: boolean; plugins?: unknown } = {}): Reply {
  return (path, res) => {
    if (path === "/") return send(res, 200, { version, commit: "c0ffee", kafka_cluster_id: "k1" });
    if (path === "/health") return opts.health === false ? send(res, 404, { error_code: 404, message: "HTTP 404 Not Found" }) : send(res, 503, { status: "starting", message: "Worker is still starting up." });
    if (path.startsWith("/connector-plugins")) return send(res, 200, opts.plugins ?? [{ class: "a.B", type: "sink", version }, { class: "a.Conv", type: "converter" }]);
    send(res, 404, { error_code: 404, message: "not found" });
  };
}

describe("inspectWorkers", () => {
  it("reads every worker on its own: version, health, every plugin", async () => {
    const w1 = await startWorker(connectWorker("4.3.1"));
    const w2 = await startWorker(connectWorker("3.8.1", { health: false }));
    const client = createConnectClient({ urls: [w1.url, w2.url], auth: { username: "u", password: "pw-secret" } });
    try {
      const [r1, r2] = await client.inspectWorkers();
      expect(r1).toEqual({
        url: w1.url,
        reachable: true,
        version: "4.3.1",
        commit: "c0ffee",
        health: { healthy: false, status: "starting", message: "Worker is still starting up." },
        plugins: [{ class: "a.B", type: "sink", version: "4.3.1" }, { class: "a.Conv", type: "converter" }],
      });
      expect(r2).toMatchObject({ url: w2.url, reachable: true, version: "3.8.1", health: { healthy: false, status: "unknown" } });
      for (const w of [w1, w2]) {
        expect(w.seen.map((s) => s.path).sort()).toEqual(["/", "/connector-plugins?connectorsOnly=false", "/health"]);
        expect(w.seen.every((s) => s.headers.authorization === `Basic ${Buffer.from("u:pw-secret").toString("base64")}`)).toBe(true);
      }
      expect(JSON.stringify([r1, r2])).not.toContain("pw-secret");
    } finally {
      await client.close();
    }
  });

  it("reports a worker that refuses connections, one that never answers, one that is not Connect and one that refuses the credentials, without failing the others", async () => {
    const good = await startWorker(connectWorker("4.3.1"));
    const silent = await startWorker();
    const html = await startWorker((_path, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>welcome to nginx</html>");
    });
    const locked = await startWorker((_path, res) => send(res, 401, { error_code: 401, message: "Unauthorized: token=abc" }));
    const closed = await startWorker();
    await cleanups.pop()?.();
    const client = createConnectClient({ urls: [good.url, closed.url, silent.url, html.url, locked.url], workerTimeoutMs: 300 });
    try {
      const reports = await client.inspectWorkers();
      expect(reports.map((r) => [r.url, r.reachable, r.error ?? null])).toEqual([
        [good.url, true, null],
        [closed.url, false, "connection refused"],
        [silent.url, false, "timed out"],
        [html.url, true, "not a Kafka Connect answer"],
        [locked.url, true, "refused our credentials (HTTP 401)"],
      ]);
      // Nothing the other side said is passed on.
      expect(JSON.stringify(reports)).not.toMatch(/nginx|token=abc/);
      expect(reports[0]?.plugins).toHaveLength(2);
      expect(reports.slice(1).every((r) => r.plugins === null && r.version === undefined)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("reports a worker whose plugin list cannot be read, keeping its version", async () => {
    const w = await startWorker((path, res) => (path.startsWith("/connector-plugins") ? send(res, 500, { error_code: 500, message: "boom" }) : connectWorker("4.3.1")(path, res)));
    const client = createConnectClient({ urls: [w.url] });
    try {
      const [r] = await client.inspectWorkers();
      expect(r).toMatchObject({ reachable: true, version: "4.3.1", plugins: null, error: "its plugins could not be read" });
    } finally {
      await client.close();
    }
  });
});

describe("withoutUserInfo", () => {
  it.each([
    ["http://admin:s3cret@connect:8083", "http://connect:8083"],
    ["https://admin@connect:8083/", "https://connect:8083"],
    ["http://connect:8083", "http://connect:8083"],
  ])("%s is shown as %s", (url, shown) => {
    expect(withoutUserInfo(url)).toBe(shown);
  });
});
