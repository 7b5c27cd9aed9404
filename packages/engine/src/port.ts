import type { DesiredRunState, ObservedConnector, TopicSpec } from "./model";
import type { WorkerReport } from "./plugins";

/**
 * What the engine needs from a Kafka Connect cluster. `@switchboard/connect-client` implements it
 * over REST; tests may use an in-memory fake. Implementations throw {@link ConnectError}.
 */
export type ConnectPort = {
  /** Every connector with config and status, in as few requests as Connect allows. */
  listConnectors(): Promise<ObservedConnector[]>;
  /** One connector, or null when Connect does not know it. */
  getConnector(name: string): Promise<ObservedConnector | null>;
  /** Create-or-update (idempotent). Resolves `created: true` when Connect created it. */
  putConfig(name: string, config: Record<string, string>): Promise<{ created: boolean }>;
  /** Create with an initial state (Connect 3.7+). Fails with CONFLICT when the name exists. */
  createConnector(name: string, config: Record<string, string>, initialState: DesiredRunState): Promise<void>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string, opts: { includeTasks: boolean; onlyFailed: boolean }): Promise<void>;
  /** Restarts one task (`POST /connectors/{name}/tasks/{taskId}/restart`); NOT_FOUND when the connector has no such task. */
  restartTask(name: string, taskId: number): Promise<void>;
  deleteConnector(name: string): Promise<void>;
  /** Committed offsets (Connect 3.5+, KIP-875); see {@link ConnectorOffset}. */
  getOffsets(name: string): Promise<ConnectorOffset[]>;
  /** PATCH `/offsets` (Connect 3.6+): the connector must be STOPPED; a null offset resets that partition. Resolves Connect's message. */
  alterOffsets(name: string, offsets: ConnectorOffset[]): Promise<string>;
  /** DELETE `/offsets` (Connect 3.6+): the connector must be STOPPED. Resolves Connect's message. */
  resetOffsets(name: string): Promise<string>;
  listPlugins(): Promise<PluginInfo[]>;
  validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation>;
  /**
   * Reads every worker of the cluster on its own (version, health, all plugins), each within its own
   * timeout; a worker that does not answer is reported as such, never thrown. Optional: ports
   * without it skip the per-worker checks (see plugins.ts).
   */
  inspectWorkers?(): Promise<WorkerReport[]>;
};

/**
 * One source partition or sink topic-partition and its offset, as Connect's offsets endpoints carry
 * them: sink `{kafka_topic, kafka_partition}` → `{kafka_offset}`; a source's own shape (FileStreamSource
 * `{filename}` → `{position}`). A null offset means "no offset" (PATCH resets that partition).
 */
export type ConnectorOffset = { partition: Record<string, unknown>; offset: Record<string, unknown> | null };

export type PluginInfo = { class: string; type: "source" | "sink" | string; version?: string };

export type ConfigValidation = {
  errorCount: number;
  configs: Array<{
    name: string;
    /** Connect's ConfigDef type, e.g. STRING, INT, PASSWORD. */
    type?: string;
    errors: string[];
  }>;
};

/** Kafka topics (kafkajs admin in production). */
export type TopicPort = {
  listTopics(): Promise<string[]>;
  createTopics(topics: TopicSpec[]): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
};

export type ConnectErrorCode =
  | "NOT_FOUND"
  | "CONFLICT" // 409 that is not a rebalance, e.g. "already exists"
  | "CONFLICT_REBALANCE"
  | "LEADER_UNAVAILABLE" // a follower could not forward a write to the group's leader (leader lost)
  | "BAD_REQUEST"
  | "TIMEOUT"
  | "UNREACHABLE"
  | "UNAUTHORIZED"
  | "SERVER_ERROR";

/** A Connect failure with a stable code; `status` is the HTTP status when there was an answer. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
    readonly status?: number,
    readonly worker?: string,
  ) {
    super(message);
  }
}

/**
 * True when a failed write may still have been carried out by Connect (timeouts, no answer, 5xx,
 * rebalance, a lost leader: the forwarded request may have reached it before it died): only
 * verification can tell. False for clear rejections (400, 404, 401).
 */
export function mayHaveSucceeded(err: unknown): boolean {
  if (!(err instanceof ConnectError)) return false;
  return ["TIMEOUT", "UNREACHABLE", "SERVER_ERROR", "CONFLICT_REBALANCE", "LEADER_UNAVAILABLE", "CONFLICT"].includes(err.code);
}
