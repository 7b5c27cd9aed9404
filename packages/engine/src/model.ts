/**
 * The engine's canonical model: what the user wants (desired), what the cluster has (observed).
 * Every front door (state file, connector directory, database) is turned into these types first.
 */

export type DesiredRunState = "RUNNING" | "PAUSED" | "STOPPED";

/** A place in an input file, for error messages (`state.json:14:7`). Lines and columns are 1-based. */
export type SourceLocation = { file: string; line: number; column: number };

export type TopicSpec = {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. `cleanup.policy`. */
  config?: Record<string, string>;
};

export type Owner = { name?: string; email?: string; team?: string };

export type ConnectorSpec = {
  /** Stable identity; never the name. A rename keeps the id. */
  id: string;
  name: string;
  /** Monotonic version of this definition; undefined when the source has none (seed 001 state files). */
  version?: number;
  /**
   * Compare-and-set: the `switchboard.version` the live connector must carry for this definition to be
   * applied (the version the change was written against). The live connector may also already carry
   * `version` (a re-run after a partial apply), or an older one (a run-state change bumps the version
   * without rewriting the config). A newer one is a VERSION_MISMATCH conflict; a live connector
   * without a version stamp passes. Undefined: no check (the CLI).
   */
  expectedVersion?: number;
  /** Seed 001's `nameSpace`: the CLI manages connectors per scope (see PlanOptions.manager). */
  namespace?: string;
  /** Connector config as Connect wants it (string values), without Switchboard's reserved keys. */
  config: Record<string, string>;
  state: DesiredRunState;
  owner?: Owner;
  /** Topics this connector needs; created before the connector when missing. */
  topics?: TopicSpec[];
  /** Where the definition came from, and where each config key sits (for mapping validator errors). */
  source?: { location: SourceLocation; configKeys?: Record<string, SourceLocation> };
};

export type DesiredSet = {
  connectors: ConnectorSpec[];
  /** Topics to delete: a state file's top-level `deleteTopics`, the only way a topic is ever deleted from a file. */
  deleteTopics?: string[];
};

/** Runtime states as reported by Connect. */
export type RuntimeState = "UNASSIGNED" | "RUNNING" | "PAUSED" | "FAILED" | "RESTARTING" | "STOPPED";

export type ObservedTask = { id: number; state: RuntimeState; workerId?: string; trace?: string };

export type ObservedConnector = {
  name: string;
  /** Raw config as Connect returns it, reserved keys included. Null when Connect returned no info. */
  config: Record<string, string> | null;
  type: "source" | "sink" | "unknown";
  state: RuntimeState;
  workerId?: string;
  trace?: string;
  tasks: ObservedTask[];
};

export type ObservedCluster = {
  connectors: ObservedConnector[];
  /** Topic names; undefined when topics were not read (no bootstrap servers given). */
  topics?: string[];
};

/** A problem found while loading or validating desired state. */
export type Problem = {
  message: string;
  /** Where in the input; absent for problems that have no single place. */
  location?: SourceLocation;
  /** JSON path of the offending field, e.g. `connectors[2].pausedd`. */
  path?: string;
  /** A second place involved (e.g. the first definition of a duplicate name). */
  related?: SourceLocation;
  hint?: string;
  connector?: string;
};

/**
 * One key of a config diff. Secret values are never carried: `sensitive` replaces them. Values whose
 * credentials were redacted (`jdbc:postgresql://app:(sensitive)@db/x`) may be carried on a sensitive
 * change, so a reviewer still sees the host; the raw values are never carried.
 */
export type KeyChange =
  | { op: "add"; key: string; after: string; sensitive?: false }
  | { op: "remove"; key: string; before: string; sensitive?: false }
  | { op: "change"; key: string; before: string; after: string; sensitive?: false }
  | { op: "add" | "remove" | "change"; key: string; sensitive: true; before?: string; after?: string };

/**
 * One step of a plan. `config` on create/update is the full config to send, reserved keys stamped
 * (it may hold secrets: never render it, render `changes`).
 */
export type PlanAction =
  | { kind: "create"; name: string; id: string; version?: number; config: Record<string, string>; state: DesiredRunState; reason: string }
  | { kind: "update"; name: string; id: string; fromVersion?: number; version?: number; config: Record<string, string>; changes: KeyChange[]; reason: string }
  | { kind: "delete"; name: string; id?: string; reason: string; managed: boolean }
  | { kind: "pause" | "resume" | "stop"; name: string; id: string; reason: string }
  /** `taskId`: restart only that task (a single-task restart), not the connector. */
  | { kind: "restart"; name: string; id: string; onlyFailed: boolean; taskId?: number; reason: string }
  | { kind: "skip"; name: string; id: string; version?: number; deployedVersion?: number; reason: string }
  | { kind: "noop"; name: string; id: string; reason: string };

export type PlanWarning = {
  connector?: string;
  code:
    | "RENAME"
    | "SINK_TOPICS_CHANGED"
    | "SKIPPED_OLDER_VERSION"
    | "UNMANAGED"
    | "OFFSETS"
    | "CONNECTOR_CLASS_CHANGED"
    | "TAKE_OVER"
    // Explicit topic changes (plan.ts): a topic to create exists already, a topic to delete does not.
    | "TOPIC_EXISTS"
    | "TOPIC_MISSING"
    // Per-worker checks (plugins.ts): a class absent from some workers, versions that differ, a worker not read.
    | "PLUGIN_MISSING"
    | "PLUGIN_VERSION_SKEW"
    | "WORKER_UNREACHABLE";
  message: string;
};

/**
 * Why a desired connector cannot be applied as asked. A plan with conflicts must not be applied at
 * all (applyPlan refuses it): applying the rest could leave a half-done change.
 * - NAME_TAKEN: the name is held by a connector stamped with another id, or (without take-over) by
 *   an unmanaged one: a create would overwrite it.
 * - MANAGED_ELSEWHERE: the connector with this id is stamped as managed by another manager (the web
 *   app of a cluster, a CLI scope); changing or deleting it needs take-over.
 * - VERSION_MISMATCH: the live `switchboard.version` is not the one the change was written against.
 * - TOPIC_IN_USE: a topic asked to be deleted is used by a connector that stays (`connector` names it).
 */
export type PlanConflict = {
  connector: string;
  id?: string;
  code: "NAME_TAKEN" | "MANAGED_ELSEWHERE" | "VERSION_MISMATCH" | "TOPIC_IN_USE";
  message: string;
  /** The live connector in the way: its name, stamped id and manager when it has them. */
  heldBy?: { name: string; id?: string; manager?: string };
};

export type Plan = {
  /** In execution order; several actions may concern one connector (e.g. update then pause). */
  actions: PlanAction[];
  topicsToCreate: TopicSpec[];
  topicsToDelete: string[];
  /** Connectors on the cluster that Switchboard does not manage (left alone unless pruning). */
  unmanaged: string[];
  /** Connectors stamped by another manager (another CLI scope, the web app): reported, left alone. */
  managedElsewhere: Array<{ name: string; id: string; manager?: string }>;
  /** Non-empty: the plan must not be applied. */
  conflicts: PlanConflict[];
  warnings: PlanWarning[];
  /** Desired state per connector name after the plan, for verification. Deleted names map to "ABSENT". */
  expected: Record<string, DesiredRunState | "ABSENT">;
};
