import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectError } from "@switchboard/engine/port";
import { createConnectClient, parseWorkerUrls } from "./client";
import type { ConnectClient, ConnectClientOptions } from "./client";

type Recorded = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
type Reply = (req: Recorded, res: ServerResponse) => void;
type Worker = { url: string; requests: Recorded[]; close: () => Promise<void> };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A fake Connect worker on 127.0.0.1; `reply` undefined = accepts requests and never answers. */
async function startWorker(reply?: Reply): Promise<Worker> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(recorded);
      reply?.(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

/** A URL whose port was just freed: connections are refused. */
async function refusedUrl(): Promise<string> {
  const worker = await startWorker();
  await worker.close();
  return worker.url;
}

function json(status: number, body?: unknown): Reply {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
}

function connectError(status: number, message: string): Reply {
  return json(status, { error_code: status, message });
}

/** Replies in turn, repeating the last one. */
function sequence(...replies: Reply[]): Reply {
  let i = 0;
  return (req, res) => {
    const reply = replies[Math.min(i++, replies.length - 1)];
    reply?.(req, res);
  };
}

function client(urls: string[], opts: Partial<ConnectClientOptions> = {}): ConnectClient {
  const c = createConnectClient({ urls, retry: { minTimeoutMs: 1, maxTimeoutMs: 5 }, ...opts });
  cleanups.push(() => c.close());
  return c;
}

async function caught(promise: Promise<unknown>): Promise<ConnectError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(err)}`);
  return err;
}

// With two workers, Fisher-Yates swaps them only when random() < 0.5.
const keepOrder = () => 0.99;

describe("failover across workers", () => {
  it("tries the workers in the order given by the injected random, each exactly once", async () => {
    const urls = [await refusedUrl(), await refusedUrl(), await refusedUrl()];
    const seen: string[] = [];
    const c = client(urls, { random: () => 0, onRequest: (i) => seen.push(i.worker) });

    const err = await caught(c.listConnectorNames());

    expect(err.code).toBe("UNREACHABLE");
    // random() = 0: i=2 swaps with 0 -> [c, b, a]; i=1 swaps with 0 -> [b, c, a].
    expect(seen).toEqual([urls[1], urls[2], urls[0]]);
  });

  it("keeps the given order when random never swaps", async () => {
    const urls = [await refusedUrl(), await refusedUrl(), await refusedUrl()];
    const seen: string[] = [];
    const c = client(urls, { random: () => 0.99, onRequest: (i) => seen.push(i.worker) });

    await caught(c.listConnectorNames());

    expect(seen).toEqual(urls);
  });

  it("skips a worker that never answers after its share of the timeout and asks the next", async () => {
    const silent = await startWorker();
    const healthy = await startWorker(json(200, ["a"]));
    const seen: string[] = [];
    const c = client([silent.url, healthy.url], { timeoutMs: 400, random: keepOrder, onRequest: (i) => seen.push(i.worker) });

    const started = performance.now();
    const names = await c.listConnectorNames();
    const elapsed = performance.now() - started;

    expect(names).toEqual(["a"]);
    expect(seen).toEqual([silent.url, healthy.url]);
    expect(silent.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    // 400 ms over two workers = 200 ms each; timers have millisecond granularity, hence the slack.
    expect(elapsed).toBeGreaterThanOrEqual(198);
  });

  it("fails over from a refused port to the next worker", async () => {
    const refused = await refusedUrl();
    const healthy = await startWorker(json(200, ["a"]));
    const c = client([refused, healthy.url], { random: keepOrder });

    expect(await c.listConnectorNames()).toEqual(["a"]);
    expect(healthy.requests).toHaveLength(1);
  });

  it("throws TIMEOUT naming every worker when none answers", async () => {
    const a = await startWorker();
    const b = await startWorker();
    const c = client([a.url, b.url], { timeoutMs: 100 });

    const err = await caught(c.listConnectorNames());

    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toContain(a.url);
    expect(err.message).toContain(b.url);
  });

  it("throws TIMEOUT when one worker is silent and the other refuses", async () => {
    const silent = await startWorker();
    const c = client([silent.url, await refusedUrl()], { timeoutMs: 100 });

    expect((await caught(c.listConnectorNames())).code).toBe("TIMEOUT");
  });

  it("throws UNREACHABLE when every worker refuses the connection", async () => {
    const c = client([await refusedUrl(), await refusedUrl()]);

    expect((await caught(c.listConnectorNames())).code).toBe("UNREACHABLE");
  });

  it("does not fail over on an HTTP error from the first worker", async () => {
    const first = await startWorker(connectError(400, "Connector configuration is invalid"));
    const second = await startWorker(json(200, ["a"]));
    const c = client([first.url, second.url], { random: keepOrder });

    const err = await caught(c.listConnectorNames());

    expect(err.code).toBe("BAD_REQUEST");
    expect(second.requests).toHaveLength(0);
  });

  it("does not repeat a connector creation on another worker after a timeout", async () => {
    const silent = await startWorker();
    const healthy = await startWorker(json(201, {}));
    const c = client([silent.url, healthy.url], { timeoutMs: 200, random: keepOrder });

    const err = await caught(c.createConnector("a", { "connector.class": "X" }, "RUNNING"));

    expect(err.code).toBe("TIMEOUT");
    expect(healthy.requests).toHaveLength(0);
  });

  it("creates on the next worker when the first refused the connection", async () => {
    const healthy = await startWorker(json(201, {}));
    const c = client([await refusedUrl(), healthy.url], { random: keepOrder });

    await c.createConnector("a", { "connector.class": "X" }, "PAUSED");

    expect(healthy.requests).toHaveLength(1);
  });
});

describe("errors and retries", () => {
  it("retries a 409 rebalance conflict and then succeeds", async () => {
    const stale = connectError(409, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)");
    const worker = await startWorker(sequence(stale, stale, json(200, ["a"])));
    const c = client([worker.url]);

    expect(await c.listConnectorNames()).toEqual(["a"]);
    expect(worker.requests).toHaveLength(3);
  });

  it("retries a 500 'rebalance is expected'", async () => {
    const worker = await startWorker(
      sequence(connectError(500, "Request cannot be completed because a rebalance is expected"), json(200, ["a"])),
    );
    const c = client([worker.url]);

    expect(await c.listConnectorNames()).toEqual(["a"]);
    expect(worker.requests).toHaveLength(2);
  });

  it("gives up with CONFLICT_REBALANCE after the configured retries", async () => {
    const worker = await startWorker(connectError(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"));
    const c = client([worker.url], { retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 } });

    expect((await caught(c.pause("a"))).code).toBe("CONFLICT_REBALANCE");
    expect(worker.requests).toHaveLength(3);
  });

  // What a follower answers while the group has no live leader (seen on the 4.3.1 stack, leader killed).
  const forwardRefused = connectError(500, "IO Error trying to forward REST request: java.net.ConnectException: Connection refused");
  const forwardCut = connectError(
    500,
    "IO Error trying to forward REST request: java.io.EOFException: HttpConnectionOverHTTP@753d0b3f::SocketChannelEndPoint@703e8b2c[{l=/127.0.0.1:46872,r=/127.0.0.1:38083,ISHUT}]",
  );

  it("retries a write a follower could not forward to a lost leader until a new leader takes it", async () => {
    const worker = await startWorker(sequence(forwardRefused, forwardCut, forwardRefused, json(200, runningSource.info)));
    const c = client([worker.url]);

    expect(await c.putConfig("s", { "connector.class": "X" })).toEqual({ created: false });
    expect(worker.requests).toHaveLength(4);
  });

  it("keeps retrying a lost leader past the old retry count: the time budget bounds it", async () => {
    const worker = await startWorker(sequence(...Array.from({ length: 12 }, () => forwardRefused), json(204)));
    const c = createConnectClient({ urls: [worker.url], retry: { minTimeoutMs: 1, maxTimeoutMs: 2 } });
    cleanups.push(() => c.close());

    await c.deleteConnector("s");

    expect(worker.requests).toHaveLength(13);
  });

  it.each([
    ["a lost leader", forwardRefused, "LEADER_UNAVAILABLE"],
    ["a rebalance conflict", connectError(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"), "CONFLICT_REBALANCE"],
  ] as const)("stops retrying %s once maxRetryTimeMs has passed", async (_what, reply, code) => {
    // Every answer takes 20 ms, so the 1 ms budget is spent after the first attempt.
    const worker = await startWorker((req, res) => setTimeout(() => reply(req, res), 20));
    const c = client([worker.url], { retry: { minTimeoutMs: 1, maxTimeoutMs: 2, maxRetryTimeMs: 1 } });

    const err = await caught(c.pause("s"));

    expect(err.code).toBe(code);
    expect(worker.requests).toHaveLength(1);
  });

  it("asks the workers in a fresh random order on every retry of a lost leader", async () => {
    const a = await startWorker(sequence(forwardRefused, json(200, ["a"])));
    const b = await startWorker(json(200, ["b"]));
    const seen: string[] = [];
    const order = [0.99, 0, 0.99];
    const c = client([a.url, b.url], { random: () => order.shift() ?? 0.99, onRequest: (i) => seen.push(i.worker) });

    expect(await c.listConnectorNames()).toEqual(["b"]);
    expect(seen).toEqual([a.url, b.url]);
  });

  it("repeats a connector creation only when the lost leader certainly never got it", async () => {
    const refusedThenCreated = await startWorker(sequence(forwardRefused, json(201, runningSource.info)));
    await client([refusedThenCreated.url]).createConnector("s", { "connector.class": "X" }, "PAUSED");
    expect(refusedThenCreated.requests).toHaveLength(2);

    // The connection to the leader broke after the request was sent: the leader may have created it.
    const cut = await startWorker(sequence(forwardCut, json(201, runningSource.info)));
    const err = await caught(client([cut.url]).createConnector("s", { "connector.class": "X" }, "PAUSED"));
    expect(err.code).toBe("LEADER_UNAVAILABLE");
    expect(cut.requests).toHaveLength(1);
  });

  it("maps 409 'already exists' to CONFLICT without retrying", async () => {
    const worker = await startWorker(connectError(409, "Connector a already exists"));
    const c = client([worker.url]);

    const err = await caught(c.createConnector("a", { "connector.class": "X" }, "RUNNING"));

    expect(err.code).toBe("CONFLICT");
    expect(err.status).toBe(409);
    expect(worker.requests).toHaveLength(1);
  });

  it.each([
    [404, "Connector a not found", "NOT_FOUND"],
    [400, "Connector configuration is invalid and contains the following 1 error(s)", "BAD_REQUEST"],
    [422, "Unprocessable", "BAD_REQUEST"],
    [401, "Unauthorized", "UNAUTHORIZED"],
    [403, "Topic tracking is disabled.", "UNAUTHORIZED"],
    [500, "Request timed out. The worker is currently flushing updates to the status topic", "TIMEOUT"],
    [500, "Failed to find any class that implements Connector", "SERVER_ERROR"],
    [503, "Service Unavailable", "SERVER_ERROR"],
  ] as const)("maps HTTP %i %j to %s", async (status, message, code) => {
    const worker = await startWorker(connectError(status, message));
    const c = client([worker.url]);

    const err = await caught(c.pause("a"));

    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.worker).toBe(worker.url);
    expect(err.message).toContain(worker.url);
    expect(err.message).toContain(message);
    expect(worker.requests).toHaveLength(1);
  });

  it("reports a non-JSON error page in the message", async () => {
    const worker = await startWorker((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad Gateway</html>");
    });
    const c = client([worker.url]);

    const err = await caught(c.pause("a"));

    expect(err.code).toBe("SERVER_ERROR");
    expect(err.message).toContain("Bad Gateway");
  });

  it("throws SERVER_ERROR when a success body does not match the expected shape", async () => {
    const worker = await startWorker(json(200, { not: "a list" }));
    const c = client([worker.url]);

    expect((await caught(c.listConnectorNames())).code).toBe("SERVER_ERROR");
  });
});

const runningSource = {
  info: {
    name: "orders-source",
    config: { "connector.class": "FileStreamSource", file: "/tmp/in", topic: "orders", name: "orders-source", "switchboard.id": "c1" },
    tasks: [{ connector: "orders-source", task: 0 }],
    type: "source",
  },
  status: {
    name: "orders-source",
    connector: { state: "RUNNING", worker_id: "127.0.0.1:18083" },
    tasks: [{ id: 0, state: "RUNNING", worker_id: "127.0.0.1:18084" }],
    type: "source",
  },
};

describe("reading connectors", () => {
  it("lists connectors with config and status in one request", async () => {
    const trace = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat Foo.bar(Foo.java:1)";
    const worker = await startWorker(
      json(200, {
        "orders-source": runningSource,
        "audit-sink": {
          info: null,
          status: {
            name: "audit-sink",
            connector: { state: "RUNNING", worker_id: "127.0.0.1:18083" },
            tasks: [
              { id: 1, state: "RUNNING", worker_id: "127.0.0.1:18083" },
              { id: 0, state: "FAILED", worker_id: "127.0.0.1:18084", trace },
            ],
            type: "sink",
          },
        },
      }),
    );
    const c = client([worker.url]);

    const connectors = await c.listConnectors();

    expect(worker.requests.map((r) => r.url)).toEqual(["/connectors?expand=info&expand=status"]);
    expect(connectors).toEqual([
      {
        name: "audit-sink",
        config: null,
        type: "sink",
        state: "RUNNING",
        workerId: "127.0.0.1:18083",
        tasks: [
          { id: 0, state: "FAILED", workerId: "127.0.0.1:18084", trace },
          { id: 1, state: "RUNNING", workerId: "127.0.0.1:18083" },
        ],
      },
      {
        name: "orders-source",
        config: runningSource.info.config,
        type: "source",
        state: "RUNNING",
        workerId: "127.0.0.1:18083",
        tasks: [{ id: 0, state: "RUNNING", workerId: "127.0.0.1:18084" }],
      },
    ]);
  });

  it("reads a FAILED connector's trace and an unknown type", async () => {
    const worker = await startWorker(
      json(200, {
        gone: {
          info: { name: "gone", config: { "connector.class": "X" }, tasks: [], type: "unknown" },
          status: { name: "gone", connector: { state: "FAILED", worker_id: "w", trace: "stack" }, tasks: [], type: "unknown", extra: 1 },
        },
      }),
    );
    const c = client([worker.url]);

    expect(await c.listConnectors()).toEqual([
      { name: "gone", config: { "connector.class": "X" }, type: "unknown", state: "FAILED", workerId: "w", trace: "stack", tasks: [] },
    ]);
  });

  it("gets one connector from its info and status", async () => {
    const worker = await startWorker((req, res) => {
      const reply = req.url.endsWith("/status") ? runningSource.status : runningSource.info;
      json(200, reply)(req, res);
    });
    const c = client([worker.url]);

    const connector = await c.getConnector("orders-source");

    expect(connector).toMatchObject({ name: "orders-source", state: "RUNNING", type: "source", config: runningSource.info.config });
    expect(worker.requests.map((r) => r.url).sort()).toEqual(["/connectors/orders-source", "/connectors/orders-source/status"]);
  });

  it("returns null for a connector Connect does not know", async () => {
    const worker = await startWorker(connectError(404, "Connector nope not found"));
    const c = client([worker.url]);

    expect(await c.getConnector("nope")).toBeNull();
  });

  it("reports a just-created connector without status as UNASSIGNED", async () => {
    const worker = await startWorker((req, res) => {
      if (req.url.endsWith("/status")) connectError(404, "No status found for connector orders-source")(req, res);
      else json(200, runningSource.info)(req, res);
    });
    const c = client([worker.url]);

    expect(await c.getConnector("orders-source")).toEqual({
      name: "orders-source",
      config: runningSource.info.config,
      type: "source",
      state: "UNASSIGNED",
      tasks: [],
    });
  });

  it("URL-encodes connector names in paths", async () => {
    const worker = await startWorker(json(200, runningSource.status));
    const c = client([worker.url]);

    await c.getStatus("a b/c?d");

    expect(worker.requests[0]?.url).toBe("/connectors/a%20b%2Fc%3Fd/status");
  });

  it("reads server info", async () => {
    const worker = await startWorker(json(200, { version: "4.3.1", commit: "abc", kafka_cluster_id: "k1" }));
    const c = client([worker.url]);

    expect(await c.serverInfo()).toEqual({ version: "4.3.1", commit: "abc", kafkaClusterId: "k1" });
  });

  it("reports an unhealthy worker without throwing", async () => {
    const worker = await startWorker(json(503, { status: "starting", message: "Worker is still starting up" }));
    const c = client([worker.url]);

    expect(await c.health()).toEqual({ healthy: false, status: "starting", message: "Worker is still starting up" });
  });

  it("reads task configs, offsets, topics and plugin config definitions", async () => {
    const worker = await startWorker((req, res) => {
      const replies: Record<string, unknown> = {
        "/connectors/s/tasks": [{ id: { connector: "s", task: 0 }, config: { "task.class": "T" } }],
        "/connectors/s/offsets": { offsets: [{ partition: { filename: "/tmp/in" }, offset: { position: 42 } }] },
        "/connectors/s/topics": { s: { topics: ["orders"] } },
        "/connector-plugins/org.acme.Sink/config": [
          { name: "password", type: "PASSWORD", required: true, default_value: null, importance: "HIGH", documentation: "", group: null, order_in_group: -1, width: "NONE", display_name: "Password", dependents: [] },
        ],
      };
      json(200, replies[req.url])(req, res);
    });
    const c = client([worker.url]);

    expect(await c.getTasks("s")).toEqual([{ id: 0, config: { "task.class": "T" } }]);
    expect(await c.getOffsets("s")).toEqual([{ partition: { filename: "/tmp/in" }, offset: { position: 42 } }]);
    expect(await c.getTopics("s")).toEqual(["orders"]);
    expect(await c.getPluginConfigDefs("org.acme.Sink")).toEqual([
      { name: "password", type: "PASSWORD", required: true, defaultValue: null, importance: "HIGH", displayName: "Password", dependents: [] },
    ]);
  });
});

describe("writing connectors", () => {
  it("reports created: true when PUT config answers 201 and false on 200", async () => {
    const worker = await startWorker(sequence(json(201, runningSource.info), json(200, runningSource.info)));
    const c = client([worker.url]);
    const config = { "connector.class": "FileStreamSource", topic: "orders" };

    expect(await c.putConfig("orders-source", config)).toEqual({ created: true });
    expect(await c.putConfig("orders-source", config)).toEqual({ created: false });
    expect(worker.requests[0]).toMatchObject({ method: "PUT", url: "/connectors/orders-source/config" });
    expect(JSON.parse(worker.requests[0]?.body ?? "")).toEqual(config);
  });

  it("creates a connector with its initial state and name", async () => {
    const worker = await startWorker(json(201, runningSource.info));
    const c = client([worker.url]);

    await c.createConnector("orders-source", { "connector.class": "X" }, "STOPPED");

    expect(worker.requests[0]).toMatchObject({ method: "POST", url: "/connectors" });
    expect(worker.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(worker.requests[0]?.body ?? "")).toEqual({
      name: "orders-source",
      config: { "connector.class": "X", name: "orders-source" },
      initial_state: "STOPPED",
    });
  });

  it("refuses to create when config.name differs from the name", async () => {
    const worker = await startWorker(json(201, {}));
    const c = client([worker.url]);

    expect((await caught(c.createConnector("a", { name: "b" }, "RUNNING"))).code).toBe("BAD_REQUEST");
    expect(worker.requests).toHaveLength(0);
  });

  it("sends restart flags as query parameters", async () => {
    const worker = await startWorker(sequence(json(202, runningSource.status), json(204)));
    const c = client([worker.url]);

    await c.restart("s", { includeTasks: true, onlyFailed: true });
    await c.restart("s", { includeTasks: false, onlyFailed: false });

    expect(worker.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /connectors/s/restart?includeTasks=true&onlyFailed=true",
      "POST /connectors/s/restart?includeTasks=false&onlyFailed=false",
    ]);
  });

  it("uses the documented verbs for pause, resume, stop, delete and task restart", async () => {
    const worker = await startWorker((req, res) => json(req.method === "PUT" && !req.url.endsWith("stop") ? 202 : 204)(req, res));
    const c = client([worker.url]);

    await c.pause("s");
    await c.resume("s");
    await c.stop("s");
    await c.restartTask("s", 2);
    await c.deleteConnector("s");

    expect(worker.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "PUT /connectors/s/pause",
      "PUT /connectors/s/resume",
      "PUT /connectors/s/stop",
      "POST /connectors/s/tasks/2/restart",
      "DELETE /connectors/s",
    ]);
  });

  it("patches config with null meaning remove", async () => {
    const worker = await startWorker(json(200, { ...runningSource.info, config: { topic: "orders" } }));
    const c = client([worker.url]);

    expect(await c.patchConfig("s", { topic: "orders", file: null })).toEqual({ topic: "orders" });
    expect(worker.requests[0]?.method).toBe("PATCH");
    expect(JSON.parse(worker.requests[0]?.body ?? "")).toEqual({ topic: "orders", file: null });
  });

  it("alters and resets offsets", async () => {
    const worker = await startWorker(json(200, { message: "The offsets for this connector have been altered successfully" }));
    const c = client([worker.url]);
    const offsets = [{ partition: { kafka_topic: "t", kafka_partition: 0 }, offset: { kafka_offset: 5 } }];

    expect(await c.alterOffsets("s", offsets)).toContain("altered");
    await c.resetOffsets("s");

    expect(worker.requests.map((r) => r.method)).toEqual(["PATCH", "DELETE"]);
    expect(JSON.parse(worker.requests[0]?.body ?? "")).toEqual({ offsets });
  });
});

describe("plugins", () => {
  it("lists connector plugins only", async () => {
    const worker = await startWorker(json(200, [{ class: "org.acme.Sink", type: "sink", version: "1.0" }, { class: "org.acme.Source", type: "source" }]));
    const c = client([worker.url]);

    expect(await c.listPlugins()).toEqual([
      { class: "org.acme.Sink", type: "sink", version: "1.0" },
      { class: "org.acme.Source", type: "source" },
    ]);
    expect(worker.requests[0]?.url).toBe("/connector-plugins?connectorsOnly=true");
  });

  it("maps a validation answer (200 even when invalid) to error count, errors and types", async () => {
    const worker = await startWorker(
      json(200, {
        name: "org.acme.Sink",
        error_count: 2,
        groups: ["Common"],
        configs: [
          { definition: { name: "topics", type: "LIST", required: false }, value: { name: "topics", value: null, recommended_values: [], errors: ["Must configure one of topics or topics.regex"], visible: true } },
          { definition: { name: "db.password", type: "PASSWORD" }, value: { name: "db.password", value: "[hidden]", recommended_values: [], errors: [], visible: true } },
          { definition: { name: "tasks.max", type: "INT" }, value: { name: "tasks.max", value: "x", errors: ["Invalid value x"] } },
        ],
      }),
    );
    const c = client([worker.url]);

    const result = await c.validateConfig("org.acme.Sink", { "tasks.max": "x" });

    expect(result).toEqual({
      errorCount: 2,
      configs: [
        { name: "topics", type: "LIST", errors: ["Must configure one of topics or topics.regex"] },
        { name: "db.password", type: "PASSWORD", errors: [] },
        { name: "tasks.max", type: "INT", errors: ["Invalid value x"] },
      ],
    });
    expect(worker.requests[0]).toMatchObject({ method: "PUT", url: "/connector-plugins/org.acme.Sink/config/validate" });
    expect(JSON.parse(worker.requests[0]?.body ?? "")).toEqual({ "tasks.max": "x", "connector.class": "org.acme.Sink" });
  });

  it("reads a config entry whose value is null by its definition (Debezium's internal keys answer so)", async () => {
    const worker = await startWorker(
      json(200, {
        name: "io.debezium.connector.postgresql.PostgresConnector",
        error_count: 0,
        groups: [],
        configs: [
          { definition: { name: "internal.legacy.snapshot.max.threads", type: "BOOLEAN" }, value: null },
          { definition: { name: "database.password", type: "PASSWORD" }, value: { name: "database.password", value: "[hidden]", errors: [] } },
        ],
      }),
    );
    const result = await client([worker.url]).validateConfig("io.debezium.connector.postgresql.PostgresConnector", {});
    expect(result.configs).toEqual([
      { name: "internal.legacy.snapshot.max.threads", type: "BOOLEAN", errors: [] },
      { name: "database.password", type: "PASSWORD", errors: [] },
    ]);
  });
});

describe("requests", () => {
  it("sends a basic auth header when credentials are given", async () => {
    const worker = await startWorker(json(200, []));
    const c = client([worker.url], { auth: { username: "admin", password: "s3cret:x" } });

    await c.listConnectorNames();

    expect(worker.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("admin:s3cret:x").toString("base64")}`);
  });

  it("sends no authorization header without credentials", async () => {
    const worker = await startWorker(json(200, []));
    const c = client([worker.url]);

    await c.listConnectorNames();

    expect(worker.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("reports every attempt, including retries", async () => {
    const worker = await startWorker(sequence(connectError(409, "no known leader URL"), json(200, [])));
    const seen: Array<{ method: string; path: string; worker: string }> = [];
    const c = client([worker.url], { onRequest: (i) => seen.push(i) });

    await c.listConnectorNames();

    expect(seen).toEqual([
      { method: "GET", path: "/connectors", worker: worker.url },
      { method: "GET", path: "/connectors", worker: worker.url },
    ]);
  });

  it("accepts worker URLs with a trailing slash", async () => {
    const worker = await startWorker(json(200, []));
    const c = client([`${worker.url}/`]);

    await c.listConnectorNames();

    expect(worker.requests[0]?.url).toBe("/connectors");
  });
});

describe("parseWorkerUrls", () => {
  it("splits, trims and normalises a comma-separated list", () => {
    expect(parseWorkerUrls(" http://a:8083/ , https://b:8083,http://a:8083")).toEqual(["http://a:8083", "https://b:8083"]);
  });

  it.each(["", " , ", "ftp://a:21", "a:8083", "http//a", "http://a:8083,nope"])("rejects %j with a clear error", (csv) => {
    expect(() => parseWorkerUrls(csv)).toThrow(/worker URL/);
  });
});
