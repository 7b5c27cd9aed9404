import type { DesiredRunState, ObservedConnector, TopicSpec } from "./model";

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
  deleteConnector(name: string): Promise<void>;
  listPlugins(): Promise<PluginInfo[]>;
  validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigValidation>;
};

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
