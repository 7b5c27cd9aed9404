import pRetry from "p-retry";
import { Agent, request } from "undici";
import { z } from "zod";
import type { DesiredRunState, ObservedConnector, ObservedTask } from "@switchboard/engine/model";
import { ConnectError } from "@switchboard/engine/port";
import type { ConfigValidation, ConnectErrorCode, ConnectPort, PluginInfo } from "@switchboard/engine/port";
import type { WorkerReport } from "@switchboard/engine/plugins";

export type { ConnectorOffset } from "@switchboard/engine/port";

export type ConnectClientOptions = {
  /** Several workers of ONE cluster, e.g. `["http://127.0.0.1:18083", "http://127.0.0.1:18084"]`. */
  urls: string[];
  /** Total budget per request across workers; each worker gets `timeoutMs / urls.length`. Default 30 000. */
  timeoutMs?: number;
  /** Budget of each worker's reads in `inspectWorkers` (they run in parallel). Default the smaller of `timeoutMs` and 5 000. */
  workerTimeoutMs?: number;
  /** HTTP basic auth. */
  auth?: { username: string; password: string };
  /** Custom CA for https URLs. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  /**
   * Backoff for rebalance conflicts (409, 500 "rebalance is expected") and for writes a follower
   * could not forward to a lost leader. `maxRetryTimeMs` is the total budget per request: losing the
   * leader blocks writes for as long as the group takes to elect another (about 10 s on the local
   * stack, 30 s seen elsewhere), so a count of tries would be the wrong bound. Defaults: retries
   * unlimited, 250, 4000, maxRetryTimeMs 60 000.
   */
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number; maxRetryTimeMs?: number };
  /** Injectable for a deterministic worker order in tests. Default `Math.random`. */
  random?: () => number;
  /** Called before every HTTP attempt (including failovers and retries). */
  onRequest?: (info: { method: string; path: string; worker: string }) => void;
};

/** Connector status without config, as `GET /connectors/{c}/status` reports it. */
export type ConnectorStatus = Omit<ObservedConnector, "config">;

export type ServerInfo = { version: string; commit: string; kafkaClusterId: string };

/** `GET /health` (Connect 3.9+). `healthy` is false while the worker starts (503) or is unhealthy (500). */
export type WorkerHealth = { healthy: boolean; status: string; message: string };

export type TaskConfig = { id: number; config: Record<string, string> };

/** A ConfigDef entry of a connector plugin (`GET /connector-plugins/{p}/config`). */
export type PluginConfigDef = {
  name: string;
  /** Connect's ConfigDef type, e.g. STRING, INT, PASSWORD. */
  type: string;
  required: boolean;
  defaultValue: string | null;
  importance?: string;
  documentation?: string;
  group?: string;
  displayName?: string;
  dependents: string[];
};

export type ConnectClient = ConnectPort & {
  /** Every worker read on its own (`GET /`, `/health`, `/connector-plugins`), within `workerTimeoutMs` each. */
  inspectWorkers(): Promise<WorkerReport[]>;
  serverInfo(): Promise<ServerInfo>;
  health(): Promise<WorkerHealth>;
  listConnectorNames(): Promise<string[]>;
  getConfig(name: string): Promise<Record<string, string>>;
  /** Partial update (Connect 3.8+); a `null` value removes the key. Resolves the resulting config. */
  patchConfig(name: string, partial: Record<string, string | null>): Promise<Record<string, string>>;
  getStatus(name: string): Promise<ConnectorStatus>;
  getTasks(name: string): Promise<TaskConfig[]>;
  getTaskStatus(name: string, taskId: number): Promise<ObservedTask>;
  restartTask(name: string, taskId: number): Promise<void>;
  /** Topics the connector used (needs topic tracking enabled on the workers, else UNAUTHORIZED/403). */
  getTopics(name: string): Promise<string[]>;
  resetTopics(name: string): Promise<void>;
  getPluginConfigDefs(pluginClass: string): Promise<PluginConfigDef[]>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
};

const runtimeState = z.enum(["UNASSIGNED", "RUNNING", "PAUSED", "FAILED", "RESTARTING", "STOPPED"]);
// Connect briefly reports `unknown` (e.g. while deleting); anything else unexpected is treated alike.
const connectorType = z.enum(["source", "sink", "unknown"]).catch("unknown");
// Config values are strings in Connect's model; a stray null is dropped rather than failing the read.
const configMap = z
  .record(z.string(), z.string().nullable())
  .transform((c) => Object.fromEntries(Object.entries(c).filter((e): e is [string, string] => e[1] !== null)));

const taskState = z.looseObject({
  id: z.number().int(),
  state: runtimeState,
  worker_id: z.string().optional(),
  trace: z.string().optional(),
});
const stateInfo = z.looseObject({
  name: z.string(),
  connector: z.looseObject({ state: runtimeState, worker_id: z.string().optional(), trace: z.string().optional() }),
  tasks: z.array(taskState).default([]),
  type: connectorType.optional(),
});
const connectorInfo = z.looseObject({
  name: z.string(),
  config: configMap,
  tasks: z.array(z.looseObject({ connector: z.string(), task: z.number().int() })).default([]),
  type: connectorType.optional(),
});
const expandedList = z.record(
  z.string(),
  z.looseObject({ info: connectorInfo.nullish(), status: stateInfo.nullish() }),
);
const serverInfoBody = z.looseObject({ version: z.string(), commit: z.string(), kafka_cluster_id: z.string() });
const healthBody = z.looseObject({ status: z.string(), message: z.string().default("") });
const pluginList = z.array(z.looseObject({ class: z.string(), type: z.string(), version: z.string().optional() }));
const configKeyInfo = z.looseObject({
  name: z.string(),
  type: z.string(),
  required: z.boolean().default(false),
  default_value: z.string().nullish(),
  importance: z.string().nullish(),
  documentation: z.string().nullish(),
  group: z.string().nullish(),
  display_name: z.string().nullish(),
  dependents: z.array(z.string()).nullish(),
});
const configInfos = z.looseObject({
  name: z.string().optional(),
  error_count: z.number().int(),
  configs: z.array(
    z.looseObject({
      definition: z.looseObject({ name: z.string(), type: z.string().optional() }).nullish(),
      // Null for a key Connect has no value entry for (Debezium's internal.* keys): the definition names it.
      value: z.looseObject({ name: z.string(), errors: z.array(z.string()).nullish() }).nullable(),
    }),
  ),
});
const taskConfigs = z.array(
  z.looseObject({ id: z.looseObject({ connector: z.string(), task: z.number().int() }), config: configMap }),
);
const offsetsBody = z.looseObject({
  offsets: z.array(
    z.looseObject({ partition: z.record(z.string(), z.unknown()), offset: z.record(z.string(), z.unknown()).nullable() }),
  ),
});
const messageBody = z.looseObject({ message: z.string().default("") });
const topicsBody = z.record(z.string(), z.looseObject({ topics: z.array(z.string()) }));
const errorBody = z.looseObject({ error_code: z.number().optional(), message: z.string().nullish() });

const workerUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/**
 * Splits a comma-separated list of worker URLs ("http://a:8083,http://b:8083") and validates each
 * (http or https only). Trailing slashes are dropped and duplicates removed. Throws an Error naming
 * the bad entry.
 */
export function parseWorkerUrls(csv: string): string[] {
  const parts = csv.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new Error("No Kafka Connect worker URL given (expected e.g. http://localhost:8083)");
  return normaliseUrls(parts);
}

function normaliseUrls(urls: string[]): string[] {
  const out: string[] = [];
  for (const raw of urls) {
    const parsed = workerUrl.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`Invalid Kafka Connect worker URL "${raw}": ${parsed.error.issues[0]?.message ?? "invalid URL"}`);
    }
    const url = parsed.data.replace(/\/+$/, "");
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

type Call = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  /** Statuses treated as an answer to parse rather than an error (default: any 2xx). */
  accept?: number[];
  /**
   * False for requests that must not be repeated on another worker once they may have been sent
   * (creating a connector): a later 409 "already exists" would hide whether it was ours.
   */
  repeatable?: boolean;
};

type Answer = { status: number; json: unknown; worker: string };

/** Why a worker gave no HTTP answer; only errors raised before anything was sent are "refused". */
type NoAnswer = { worker: string; kind: "timeout" | "refused" | "network"; detail: string };

// Errors raised while connecting, so the request was certainly not sent.
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

const rebalance409 = /rebalance|stale configuration|no known leader|conflicting operation/i;

/**
 * A follower validates a write, then forwards it to the group's leader. With the leader killed, Connect
 * 4.3.1 answers (checked on the local stack, kill -9 of the leading worker):
 *   500 "IO Error trying to forward REST request: java.net.ConnectException: Connection refused"
 *     (the leader's port is closed: the write never reached it), until the group elects a new leader;
 *   500 "IO Error trying to forward REST request: java.io.EOFException: HttpConnectionOverHTTP@…"
 *     (the leader died while it held the request: it may have written it).
 * Under load a follower may instead hold writes until the new leader is elected (about 10 s), which
 * the per-attempt timeout must outlast.
 */
const forwardFailed = /IO Error trying to forward REST request/i;
const forwardNeverSent = /IO Error trying to forward REST request: java\.net\.ConnectException/i;

/**
 * Creates a Kafka Connect REST client over several workers of one cluster. Each request tries the
 * workers in a fresh random order, giving each `timeoutMs / urls.length`; a worker that does not
 * answer is skipped, while any HTTP answer is final. Rebalance conflicts and writes that could not be
 * forwarded to a lost leader are retried with backoff within a time budget (`retry.maxRetryTimeMs`),
 * each retry again in a fresh order, so an apply rides out a leader's death instead of failing every
 * write of the next half minute. Failures are thrown as {@link ConnectError}.
 */
export function createConnectClient(opts: ConnectClientOptions): ConnectClient {
  if (opts.urls.length === 0) throw new Error("createConnectClient needs at least one worker URL");
  const urls = normaliseUrls(opts.urls);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const perAttemptMs = Math.max(1, Math.floor(timeoutMs / urls.length));
  const random = opts.random ?? Math.random;
  const retry = { retries: Infinity, minTimeoutMs: 250, maxTimeoutMs: 4000, maxRetryTimeMs: 60_000, ...opts.retry };
  const agent = new Agent({
    connect: { ca: opts.tls?.ca, rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true },
  });
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.auth) {
    const token = Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString("base64");
    headers.authorization = `Basic ${token}`;
  }

  async function attempt(worker: string, call: Call, budgetMs = perAttemptMs): Promise<Answer | NoAnswer> {
    opts.onRequest?.({ method: call.method, path: call.path, worker });
    const signal = AbortSignal.timeout(budgetMs);
    const hasBody = call.body !== undefined;
    try {
      const res = await request(worker + call.path, {
        method: call.method,
        headers: hasBody ? { ...headers, "content-type": "application/json" } : headers,
        body: hasBody ? JSON.stringify(call.body) : undefined,
        dispatcher: agent,
        signal,
      });
      const text = await res.body.text();
      return { status: res.statusCode, json: parseJson(text), worker };
    } catch (err) {
      if (signal.aborted) return { worker, kind: "timeout", detail: `no answer within ${budgetMs} ms` };
      const code = errorCode(err);
      const detail = describeCause(err);
      if (code === "UND_ERR_CONNECT_TIMEOUT") return { worker, kind: "timeout", detail };
      return { worker, kind: code !== undefined && notSentCodes.has(code) ? "refused" : "network", detail };
    }
  }

  async function failover(call: Call): Promise<Answer> {
    const failures: NoAnswer[] = [];
    for (const worker of shuffle(urls, random)) {
      const result = await attempt(worker, call);
      if ("status" in result) return result;
      failures.push(result);
      if (call.repeatable === false && result.kind !== "refused") break;
    }
    const code: ConnectErrorCode = failures.some((f) => f.kind === "timeout") ? "TIMEOUT" : "UNREACHABLE";
    const what = failures.map((f) => `${f.worker} (${f.detail})`).join(", ");
    throw new ConnectError(code, `${call.method} ${call.path}: no Kafka Connect worker answered: ${what}`);
  }

  async function send(call: Call): Promise<Answer> {
    return pRetry(
      async () => {
        const answer = await failover(call);
        const ok = call.accept ? call.accept.includes(answer.status) : answer.status >= 200 && answer.status < 300;
        if (!ok) throw errorFromAnswer(call, answer);
        return answer;
      },
      {
        retries: retry.retries,
        minTimeout: retry.minTimeoutMs,
        maxTimeout: retry.maxTimeoutMs,
        maxRetryTime: retry.maxRetryTimeMs,
        shouldRetry: ({ error }) => {
          if (!(error instanceof ConnectError)) return false;
          if (error.code === "CONFLICT_REBALANCE") return true;
          // A request that must not be repeated is sent again only when it certainly never reached the leader.
          return error.code === "LEADER_UNAVAILABLE" && (call.repeatable !== false || forwardNeverSent.test(error.message));
        },
      },
    );
  }

  async function fetchAs<T>(schema: z.ZodType<T>, call: Call): Promise<T> {
    const answer = await send(call);
    const parsed = schema.safeParse(answer.json);
    if (!parsed.success) {
      throw new ConnectError(
        "SERVER_ERROR",
        `${call.method} ${call.path} on ${answer.worker}: unexpected response: ${z.prettifyError(parsed.error)}`,
        answer.status,
        answer.worker,
      );
    }
    return parsed.data;
  }

  async function fetchStatus(name: string): Promise<ConnectorStatus> {
    return toStatus(await fetchAs(stateInfo, { method: "GET", path: `${connectorPath(name)}/status` }));
  }

  /**
   * One worker's version, health and plugins: three GETs in parallel sent to that worker alone, no
   * failover, no retry. Errors are fixed words, never what the other side sent.
   */
  async function readWorker(worker: string): Promise<WorkerReport> {
    const budget = opts.workerTimeoutMs ?? Math.min(timeoutMs, 5000);
    const url = withoutUserInfo(worker);
    const [root, healthAnswer, pluginsAnswer] = await Promise.all(
      ["/", "/health", "/connector-plugins?connectorsOnly=false"].map((path) => attempt(worker, { method: "GET", path }, budget)),
    );
    if (!root || !("status" in root)) {
      return { url, reachable: false, error: root?.kind === "timeout" ? "timed out" : root?.kind === "refused" ? "connection refused" : "network error", plugins: null };
    }
    const info = root.status === 200 ? serverInfoBody.safeParse(root.json) : undefined;
    if (!info?.success) {
      const error = root.status === 401 || root.status === 403 ? `refused our credentials (HTTP ${root.status})` : root.status === 200 ? "not a Kafka Connect answer" : `answered HTTP ${root.status}`;
      return { url, reachable: true, error, plugins: null };
    }
    const report: WorkerReport = { url, reachable: true, version: info.data.version, commit: info.data.commit, plugins: null };
    if (healthAnswer && "status" in healthAnswer) {
      const body = healthBody.safeParse(healthAnswer.json);
      if (healthAnswer.status === 404) report.health = { healthy: false, status: "unknown", message: "no /health endpoint (Kafka Connect before 3.9)" };
      else if (body.success) report.health = { healthy: healthAnswer.status === 200, status: body.data.status, message: body.data.message.slice(0, 500) };
      else report.health = { healthy: false, status: "unknown", message: `answered HTTP ${healthAnswer.status}` };
    }
    const plugins = pluginsAnswer && "status" in pluginsAnswer && pluginsAnswer.status === 200 ? pluginList.safeParse(pluginsAnswer.json) : undefined;
    if (plugins?.success) report.plugins = plugins.data.map(toPluginInfo);
    else report.error = "its plugins could not be read";
    return report;
  }

  const client: ConnectClient = {
    async listConnectors() {
      const body = await fetchAs(expandedList, { method: "GET", path: "/connectors?expand=info&expand=status" });
      return Object.entries(body)
        .map(([name, { info, status }]) => toObserved(name, info ?? null, status ?? null))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async getConnector(name) {
      // Two requests in parallel; Connect has no single-connector expand.
      const [info, status] = await Promise.allSettled([
        fetchAs(connectorInfo, { method: "GET", path: connectorPath(name) }),
        fetchAs(stateInfo, { method: "GET", path: `${connectorPath(name)}/status` }),
      ]);
      if (info.status === "rejected") {
        if (isNotFound(info.reason)) return null;
        throw info.reason;
      }
      if (status.status === "rejected") {
        // Right after a create the status can be missing for a moment: the connector exists all the same.
        if (!isNotFound(status.reason)) throw status.reason;
        return toObserved(name, info.value, null);
      }
      return toObserved(name, info.value, status.value);
    },

    async putConfig(name, config) {
      const answer = await send({ method: "PUT", path: `${connectorPath(name)}/config`, body: config });
      return { created: answer.status === 201 };
    },

    async createConnector(name, config, initialState: DesiredRunState) {
      if (config.name !== undefined && config.name !== name) {
        throw new ConnectError("BAD_REQUEST", `config.name "${config.name}" differs from the connector name "${name}"`);
      }
      await send({
        method: "POST",
        path: "/connectors",
        // initial_state needs Connect 3.7+; RUNNING is what older workers do without it.
        body: { name, config: { ...config, name }, ...(initialState === "RUNNING" ? {} : { initial_state: initialState }) },
        repeatable: false,
      });
    },

    async pause(name) {
      await send({ method: "PUT", path: `${connectorPath(name)}/pause` });
    },

    async resume(name) {
      await send({ method: "PUT", path: `${connectorPath(name)}/resume` });
    },

    async stop(name) {
      await send({ method: "PUT", path: `${connectorPath(name)}/stop` });
    },

    async restart(name, { includeTasks, onlyFailed }) {
      const query = new URLSearchParams({ includeTasks: String(includeTasks), onlyFailed: String(onlyFailed) });
      await send({ method: "POST", path: `${connectorPath(name)}/restart?${query}` });
    },

    async deleteConnector(name) {
      await send({ method: "DELETE", path: connectorPath(name) });
    },

    async listPlugins(): Promise<PluginInfo[]> {
      const plugins = await fetchAs(pluginList, { method: "GET", path: "/connector-plugins?connectorsOnly=true" });
      return plugins.map(toPluginInfo);
    },

    inspectWorkers() {
      return Promise.all(urls.map(readWorker));
    },

    async validateConfig(pluginClass, config): Promise<ConfigValidation> {
      // Connect rejects the call with 400 when connector.class is missing from the body.
      const body = config["connector.class"] === undefined ? { ...config, "connector.class": pluginClass } : config;
      const infos = await fetchAs(configInfos, {
        method: "PUT",
        path: `/connector-plugins/${encodeURIComponent(pluginClass)}/config/validate`,
        body,
      });
      return {
        errorCount: infos.error_count,
        configs: infos.configs.flatMap(({ definition, value }) => {
          const name = value?.name ?? definition?.name;
          if (name === undefined) return [];
          const type = definition?.type;
          const errors = value?.errors ?? [];
          return [type === undefined ? { name, errors } : { name, type, errors }];
        }),
      };
    },

    async serverInfo() {
      const body = await fetchAs(serverInfoBody, { method: "GET", path: "/" });
      return { version: body.version, commit: body.commit, kafkaClusterId: body.kafka_cluster_id };
    },

    async health() {
      const answer = await send({ method: "GET", path: "/health", accept: [200, 500, 503] });
      const body = healthBody.safeParse(answer.json);
      return {
        healthy: answer.status === 200,
        status: body.success ? body.data.status : String(answer.status),
        message: body.success ? body.data.message : "",
      };
    },

    async listConnectorNames() {
      return fetchAs(z.array(z.string()), { method: "GET", path: "/connectors" });
    },

    async getConfig(name) {
      return fetchAs(configMap, { method: "GET", path: `${connectorPath(name)}/config` });
    },

    async patchConfig(name, partial) {
      const info = await fetchAs(connectorInfo, { method: "PATCH", path: `${connectorPath(name)}/config`, body: partial });
      return info.config;
    },

    getStatus: fetchStatus,

    async getTasks(name) {
      const tasks = await fetchAs(taskConfigs, { method: "GET", path: `${connectorPath(name)}/tasks` });
      return tasks.map((t) => ({ id: t.id.task, config: t.config }));
    },

    async getTaskStatus(name, taskId) {
      return toTask(await fetchAs(taskState, { method: "GET", path: `${connectorPath(name)}/tasks/${taskId}/status` }));
    },

    async restartTask(name, taskId) {
      await send({ method: "POST", path: `${connectorPath(name)}/tasks/${taskId}/restart` });
    },

    async getOffsets(name) {
      const body = await fetchAs(offsetsBody, { method: "GET", path: `${connectorPath(name)}/offsets` });
      return body.offsets.map((o) => ({ partition: o.partition, offset: o.offset }));
    },

    async alterOffsets(name, offsets) {
      const body = await fetchAs(messageBody, { method: "PATCH", path: `${connectorPath(name)}/offsets`, body: { offsets } });
      return body.message;
    },

    async resetOffsets(name) {
      const body = await fetchAs(messageBody, { method: "DELETE", path: `${connectorPath(name)}/offsets` });
      return body.message;
    },

    async getTopics(name) {
      const body = await fetchAs(topicsBody, { method: "GET", path: `${connectorPath(name)}/topics` });
      return body[name]?.topics ?? Object.values(body).flatMap((t) => t.topics);
    },

    async resetTopics(name) {
      await send({ method: "PUT", path: `${connectorPath(name)}/topics/reset` });
    },

    async getPluginConfigDefs(pluginClass) {
      const defs = await fetchAs(z.array(configKeyInfo), {
        method: "GET",
        path: `/connector-plugins/${encodeURIComponent(pluginClass)}/config`,
      });
      return defs.map((d) => ({
        name: d.name,
        type: d.type,
        required: d.required,
        defaultValue: d.default_value ?? null,
        ...(d.importance ? { importance: d.importance } : {}),
        ...(d.documentation ? { documentation: d.documentation } : {}),
        ...(d.group ? { group: d.group } : {}),
        ...(d.display_name ? { displayName: d.display_name } : {}),
        dependents: d.dependents ?? [],
      }));
    },

    async close() {
      await agent.close();
    },
  };
  return client;
}

function toPluginInfo(p: z.infer<typeof pluginList>[number]): PluginInfo {
  return p.version === undefined ? { class: p.class, type: p.type } : { class: p.class, type: p.type, version: p.version };
}

/** A worker URL fit to show: credentials written into it (`http://user:pw@host`) are dropped. */
export function withoutUserInfo(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === "" && u.password === "") return url;
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/+$/, "");
  } catch {
    return url;
  }
}

function connectorPath(name: string): string {
  return `/connectors/${encodeURIComponent(name)}`;
}

/** Fisher-Yates on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Proxies and Jetty error pages answer with HTML; keep the text for the error message.
    return text;
  }
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function describeCause(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  }
  return parts.join(": ") || String(err);
}

function isNotFound(err: unknown): boolean {
  return err instanceof ConnectError && err.code === "NOT_FOUND";
}

function codeForStatus(status: number, message: string): ConnectErrorCode {
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return rebalance409.test(message) ? "CONFLICT_REBALANCE" : "CONFLICT";
  if (status === 401 || status === 403) return "UNAUTHORIZED";
  if (status >= 400 && status < 500) return "BAD_REQUEST";
  if (/request timed out/i.test(message)) return "TIMEOUT";
  if (/rebalance is expected/i.test(message)) return "CONFLICT_REBALANCE";
  if (forwardFailed.test(message)) return "LEADER_UNAVAILABLE";
  return "SERVER_ERROR";
}

function errorFromAnswer(call: Call, answer: Answer): ConnectError {
  const body = errorBody.safeParse(answer.json);
  const message =
    (body.success ? body.data.message : undefined) ??
    (typeof answer.json === "string" ? answer.json.slice(0, 500) : `HTTP ${answer.status}`);
  return new ConnectError(
    codeForStatus(answer.status, message),
    `${call.method} ${call.path} on ${answer.worker} failed with HTTP ${answer.status}: ${message}`,
    answer.status,
    answer.worker,
  );
}

function toTask(t: z.infer<typeof taskState>): ObservedTask {
  return {
    id: t.id,
    state: t.state,
    ...(t.worker_id !== undefined ? { workerId: t.worker_id } : {}),
    ...(t.trace !== undefined ? { trace: t.trace } : {}),
  };
}

function toStatus(s: z.infer<typeof stateInfo>): ConnectorStatus {
  return {
    name: s.name,
    type: s.type ?? "unknown",
    state: s.connector.state,
    ...(s.connector.worker_id !== undefined ? { workerId: s.connector.worker_id } : {}),
    ...(s.connector.trace !== undefined ? { trace: s.connector.trace } : {}),
    tasks: s.tasks.map(toTask).sort((a, b) => a.id - b.id),
  };
}

function toObserved(
  name: string,
  info: z.infer<typeof connectorInfo> | null,
  status: z.infer<typeof stateInfo> | null,
): ObservedConnector {
  // Without a status (only seen right after a create) the connector is not yet assigned to a worker.
  const base: ConnectorStatus = status
    ? toStatus(status)
    : { name, type: "unknown", state: "UNASSIGNED", tasks: [] };
  const infoType = info?.type;
  const type = infoType !== undefined && infoType !== "unknown" ? infoType : base.type;
  return { ...base, name, type, config: info ? info.config : null };
}
