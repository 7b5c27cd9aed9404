import diff from "microdiff";
import { readMark, stampConfig, userConfig } from "./managed";
import { isConfigProviderReference, isSecretKey, redactCredentials } from "./secrets";
import type {
  ConnectorSpec,
  DesiredRunState,
  DesiredSet,
  KeyChange,
  ObservedCluster,
  ObservedConnector,
  Plan,
  PlanAction,
  PlanWarning,
  TopicSpec,
} from "./model";

export type PlanOptions = {
  /**
   * Who applies this plan, stamped into every created or updated connector as
   * `switchboard.managed-by`: `web/<clusterId>` for the web app, `cli/<scope>` for the CLI (scope from
   * `--scope`, else the spec's seed-001 `namespace`, else `default`). A function gives each spec its
   * own manager (CLI runs over several namespaces). Connectors stamped with one of this plan's
   * managers are its own: updated, and deleted when no longer desired. Connectors stamped by any other
   * manager are left alone and listed in `managedElsewhere` (a desired one is a MANAGED_ELSEWHERE
   * conflict unless taken over). A connector stamped with an id but no manager (stamped before
   * managers existed) matches a desired spec by id, and is otherwise left alone.
   * Default `cli/default`.
   */
  manager?: string | ((spec: ConnectorSpec) => string);
  /** Also delete connectors on the cluster that no one manages (no stamp), within the scope. */
  prune?: boolean;
  /**
   * Only these connectors are looked at (the web app plans one change request): those stamped with
   * one of `ids`, and those at one of `names`. Everything else on the cluster is outside the plan
   * (neither listed as unmanaged nor touched). With a scope, every id in `ids` that no desired spec
   * carries is a requested deletion.
   */
  scope?: { ids: readonly string[]; names: readonly string[] };
  /**
   * Take over connectors held by someone else: `true` for all, or the ids of the desired specs that
   * may. Taking over an unmanaged connector at a desired name, or one stamped by another manager,
   * becomes an update (with a TAKE_OVER warning) instead of a conflict.
   */
  takeOver?: boolean | readonly string[];
  /**
   * Restarts asked for explicitly (restart items of a change request): added after the other state
   * actions, replacing the planner's own restart or "unchanged" for that connector; not for a
   * connector the plan creates or deletes.
   */
  restarts?: ReadonlyArray<{ id: string; name: string; onlyFailed: boolean }>;
  /** Connector name → keys Connect types as PASSWORD (from the plugin's config definition). */
  secretKeys?: Record<string, string[]>;
};

export type PlanSummary = {
  create: number;
  update: number;
  delete: number;
  pause: number;
  resume: number;
  stop: number;
  restart: number;
  skip: number;
  unchanged: number;
  unmanaged: number;
};

type StateAction = Extract<PlanAction, { kind: "pause" | "resume" | "stop" | "restart" }>;

/** Execution groups: deletes free names before creates reuse them; state changes follow configs. */
const GROUP: Record<PlanAction["kind"], number> = {
  delete: 0,
  create: 1,
  update: 2,
  pause: 3,
  resume: 3,
  stop: 3,
  restart: 3,
  noop: 4,
  skip: 4,
};

/**
 * Computes what to do to bring the observed cluster to the desired set. Connectors are matched by the
 * `switchboard.id` stamped in their config, never by name. Pure and deterministic: same input, same
 * plan (whatever the order of the inputs); no I/O; inputs are not mutated.
 */
export function plan(desired: DesiredSet, observed: ObservedCluster, opts: PlanOptions = {}): Plan {
  const specs = [...desired.connectors].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
  const observedSorted = [...observed.connectors].sort((a, b) => compare(a.name, b.name));

  const byName = new Map<string, ObservedConnector>();
  const managedById = new Map<string, ObservedConnector[]>();
  for (const connector of observedSorted) {
    byName.set(connector.name, connector);
    const mark = readMark(connector.config);
    if (mark) managedById.set(mark.id, [...(managedById.get(mark.id) ?? []), connector]);
  }

  const actions: PlanAction[] = [];
  const warnings: PlanWarning[] = [];
  const expected = new Map<string, DesiredRunState | "ABSENT">();
  /** Observed connectors that a desired spec accounts for (so they are neither deleted nor listed). */
  const handled = new Set<ObservedConnector>();
  const topicSources: ConnectorSpec[] = [];

  for (const spec of specs) {
    const candidates = managedById.get(spec.id) ?? [];
    const current = candidates.find((c) => c.name === spec.name) ?? candidates[0];
    const atName = byName.get(spec.name);

    if (atName && atName.config === null && atName !== current) {
      // Without its config we cannot tell whose connector holds the name; acting could clobber it.
      if (current) handled.add(current);
      handled.add(atName);
      warnings.push({
        connector: spec.name,
        code: "UNMANAGED",
        message: `Connect returned no config for connector "${spec.name}", so Switchboard cannot tell whether it manages it; nothing is planned for it this time`,
      });
      continue;
    }

    if (current) {
      handled.add(current);
      const deployedVersion = readMark(current.config)?.version;
      if (spec.version !== undefined && deployedVersion !== undefined && spec.version < deployedVersion) {
        actions.push({
          kind: "skip",
          name: spec.name,
          id: spec.id,
          version: spec.version,
          deployedVersion,
          reason: `desired version ${spec.version} is older than deployed version ${deployedVersion}`,
        });
        warnings.push({
          connector: spec.name,
          code: "SKIPPED_OLDER_VERSION",
          message: `desired version ${spec.version} is older than deployed version ${deployedVersion}; the deployed connector is left as it is`,
        });
        continue;
      }
    }

    expected.set(spec.name, spec.state);
    topicSources.push(spec);

    if (current && current.name === spec.name) {
      planExisting(spec, current, deployedVersionOf(current), opts, actions, warnings);
      continue;
    }

    if (current) {
      actions.push({
        kind: "delete",
        name: current.name,
        id: spec.id,
        managed: true,
        reason: `renamed to ${spec.name}`,
      });
      markAbsent(expected, current.name);
      warnings.push({ connector: spec.name, code: "RENAME", message: renameMessage(current, spec) });
    }

    if (atName && atName.config !== null && !readMark(atName.config)) {
      handled.add(atName);
      warnings.push({
        connector: spec.name,
        code: "UNMANAGED",
        message: `the name "${spec.name}" is taken by a connector Switchboard does not manage; it will be adopted (its config replaced by the definition and marked as managed)`,
      });
      planExisting(spec, atName, undefined, opts, actions, warnings, "adopt unmanaged connector");
      continue;
    }

    actions.push({
      kind: "create",
      name: spec.name,
      id: spec.id,
      ...(spec.version === undefined ? {} : { version: spec.version }),
      config: stampConfig(spec.config, markOf(spec)),
      state: spec.state,
      reason: current ? `renamed from ${current.name}` : "new connector",
    });
  }

  const unmanaged: string[] = [];
  for (const connector of observedSorted) {
    if (handled.has(connector)) continue;
    const mark = readMark(connector.config);
    if (mark) {
      // Removed from the definitions (or a second connector stamped with an id already matched).
      const duplicate = (managedById.get(mark.id)?.length ?? 0) > 1 && specs.some((s) => s.id === mark.id);
      actions.push({
        kind: "delete",
        name: connector.name,
        id: mark.id,
        managed: true,
        reason: duplicate ? `another connector carries the same id ${mark.id}` : "removed from the definitions",
      });
      markAbsent(expected, connector.name);
    } else if (opts.prune) {
      actions.push({ kind: "delete", name: connector.name, managed: false, reason: "not managed by Switchboard (prune)" });
      markAbsent(expected, connector.name);
    } else {
      unmanaged.push(connector.name);
    }
  }

  return {
    actions: orderActions(actions),
    topicsToCreate: topicsToCreate(topicSources, observed.topics),
    // Never planned: Switchboard cannot prove it created a data topic, and deleting one loses data.
    topicsToDelete: [],
    unmanaged,
    managedElsewhere: [],
    conflicts: [],
    warnings: [...warnings].sort(
      (a, b) => compare(a.connector ?? "", b.connector ?? "") || compare(a.code, b.code) || compare(a.message, b.message),
    ),
    expected: Object.fromEntries([...expected].sort(([a], [b]) => compare(a, b))),
  };
}

/** Counts of each kind of action, plus unchanged (noop) and unmanaged connectors. */
export function summarizePlan(p: Plan): PlanSummary {
  const summary: PlanSummary = {
    create: 0,
    update: 0,
    delete: 0,
    pause: 0,
    resume: 0,
    stop: 0,
    restart: 0,
    skip: 0,
    unchanged: 0,
    unmanaged: p.unmanaged.length,
  };
  for (const action of p.actions) {
    if (action.kind === "noop") summary.unchanged += 1;
    else summary[action.kind] += 1;
  }
  return summary;
}

/** Whether applying the plan would change anything: any action besides noop/skip, or topic changes. */
export function hasChanges(p: Plan): boolean {
  return (
    p.actions.some((a) => a.kind !== "noop" && a.kind !== "skip") ||
    p.topicsToCreate.length > 0 ||
    p.topicsToDelete.length > 0
  );
}

/** Update (when the config differs), then the run-state action; noop when neither is needed. */
function planExisting(
  spec: ConnectorSpec,
  current: ObservedConnector,
  deployedVersion: number | undefined,
  opts: PlanOptions,
  actions: PlanAction[],
  warnings: PlanWarning[],
  adoptReason?: string,
): void {
  const before = comparableConfig(userConfig(current.config ?? {}));
  const after = comparableConfig(userConfig(spec.config));
  const changes = configChanges(before, after, opts.secretKeys?.[spec.name]);

  if (changes.length > 0 || adoptReason) {
    actions.push({
      kind: "update",
      name: spec.name,
      id: spec.id,
      ...(deployedVersion === undefined ? {} : { fromVersion: deployedVersion }),
      ...(spec.version === undefined ? {} : { version: spec.version }),
      config: stampConfig(spec.config, markOf(spec)),
      changes,
      reason: adoptReason ?? `${changes.length} config ${changes.length === 1 ? "key" : "keys"} changed`,
    });
    warnings.push(...updateWarnings(spec.name, current, changes, before, after));
  }

  const stateAction = runStateAction(spec, current);
  if (stateAction) actions.push(stateAction);

  if (changes.length === 0 && !adoptReason && !stateAction) {
    const metadataOnly = spec.version !== undefined && spec.version !== deployedVersion;
    // A version bump alone does not touch the connector: an update would restart it for nothing.
    actions.push({ kind: "noop", name: spec.name, id: spec.id, reason: metadataOnly ? "metadata only" : "unchanged" });
  }
}

/**
 * Connect echoes `name` inside the config it returns; the client adds it on writes. The name is
 * compared as the connector's identity (rename), not as a config key.
 */
function comparableConfig(config: Record<string, string>): Record<string, string> {
  const { name: _name, ...rest } = config;
  return rest;
}

/** Key-level changes sorted by key; secret values are never carried. */
function configChanges(
  before: Record<string, string>,
  after: Record<string, string>,
  extraSecretKeys: string[] | undefined,
): KeyChange[] {
  const changes = diff(before, after).map((d): KeyChange => {
    const key = String(d.path[0]);
    const values = [d.type === "CREATE" ? undefined : d.oldValue, d.type === "REMOVE" ? undefined : d.value]
      .filter((v) => v !== undefined)
      .map(String);
    const op = d.type === "CREATE" ? "add" : d.type === "REMOVE" ? "remove" : "change";
    if (isSecretKey(key, extraSecretKeys) && !values.every(isConfigProviderReference)) return { op, key, sensitive: true };
    const before = d.type === "CREATE" ? undefined : String(d.oldValue);
    const after = d.type === "REMOVE" ? undefined : String(d.value);
    const shownBefore = before === undefined ? undefined : redactCredentials(before);
    const shownAfter = after === undefined ? undefined : redactCredentials(after);
    // Credentials inside a value (a URL's password): show the rest, never the credential.
    if (shownBefore !== before || shownAfter !== after) {
      return { op, key, sensitive: true, ...(shownBefore === undefined ? {} : { before: shownBefore }), ...(shownAfter === undefined ? {} : { after: shownAfter }) };
    }
    if (before === undefined) return { op: "add", key, after: after as string };
    if (after === undefined) return { op: "remove", key, before };
    return { op: "change", key, before, after };
  });
  return changes.sort((a, b) => compare(a.key, b.key));
}

function updateWarnings(
  name: string,
  current: ObservedConnector,
  changes: KeyChange[],
  before: Record<string, string>,
  after: Record<string, string>,
): PlanWarning[] {
  const changed = new Set(changes.map((c) => c.key));
  const warnings: PlanWarning[] = [];
  if (current.type === "sink" && (changed.has("topics") || changed.has("topics.regex"))) {
    warnings.push({
      connector: name,
      code: "SINK_TOPICS_CHANGED",
      message:
        "the sink's topics change: its consumer group keeps offsets only for the topics it already read; new topics start from auto.offset.reset and removed topics stop being consumed",
    });
  }
  if (changed.has("connector.class")) {
    warnings.push({
      connector: name,
      code: "CONNECTOR_CLASS_CHANGED",
      message: `connector.class changes from ${before["connector.class"] ?? "(none)"} to ${after["connector.class"] ?? "(none)"}: Connect will likely reject this update; delete and create the connector instead`,
    });
  }
  return warnings;
}

/**
 * The action that brings the observed run state to the desired one. UNASSIGNED and RESTARTING are
 * transient, so a connector meant to run is left to settle rather than poked.
 */
function runStateAction(spec: ConnectorSpec, current: ObservedConnector): StateAction | undefined {
  const base = { name: spec.name, id: spec.id };
  const observedState = current.state;
  switch (spec.state) {
    case "PAUSED":
      return observedState === "PAUSED" ? undefined : { kind: "pause", ...base, reason: `is ${observedState}, wanted PAUSED` };
    case "STOPPED":
      return observedState === "STOPPED" ? undefined : { kind: "stop", ...base, reason: `is ${observedState}, wanted STOPPED` };
    case "RUNNING": {
      // Connect's resume also restarts a stopped connector.
      if (observedState === "PAUSED" || observedState === "STOPPED") {
        return { kind: "resume", ...base, reason: `is ${observedState}, wanted RUNNING` };
      }
      const failedTasks = current.tasks.filter((t) => t.state === "FAILED").length;
      if (observedState === "FAILED" || failedTasks > 0) {
        // Connect never restarts failed tasks by itself.
        const what = observedState === "FAILED" ? "connector FAILED" : `${failedTasks} ${failedTasks === 1 ? "task" : "tasks"} FAILED`;
        return { kind: "restart", ...base, onlyFailed: true, reason: what };
      }
      return undefined;
    }
  }
}

function renameMessage(current: ObservedConnector, spec: ConnectorSpec): string {
  const offsets =
    current.type === "sink"
      ? `the sink's consumer group is named after the connector (connect-${current.name}), so the new one starts from auto.offset.reset`
      : "source offsets are stored under the connector name, so the new connector starts without the old one's offsets";
  return `renamed from ${current.name} to ${spec.name}: a rename is a delete + create; ${offsets}`;
}

function topicsToCreate(specs: ConnectorSpec[], existing: string[] | undefined): TopicSpec[] {
  // Topics not read (no bootstrap servers): no topic actions rather than guesses.
  if (existing === undefined) return [];
  const present = new Set(existing);
  const wanted = new Map<string, TopicSpec>();
  for (const spec of specs) {
    for (const topic of spec.topics ?? []) {
      if (present.has(topic.name) || wanted.has(topic.name)) continue;
      wanted.set(topic.name, topic.config ? { ...topic, config: { ...topic.config } } : { ...topic });
    }
  }
  return [...wanted.values()].sort((a, b) => compare(a.name, b.name));
}

function orderActions(actions: PlanAction[]): PlanAction[] {
  // Stable sort: an update stays before the state action of the same connector within its group.
  return [...actions].sort((a, b) => GROUP[a.kind] - GROUP[b.kind] || compare(a.name, b.name));
}

/** A deleted name may be reused by another definition in the same plan (name swap): that one wins. */
function markAbsent(expected: Map<string, DesiredRunState | "ABSENT">, name: string): void {
  if (!expected.has(name)) expected.set(name, "ABSENT");
}

function deployedVersionOf(connector: ObservedConnector): number | undefined {
  return readMark(connector.config)?.version;
}

function markOf(spec: ConnectorSpec): { id: string; version?: number } {
  return spec.version === undefined ? { id: spec.id } : { id: spec.id, version: spec.version };
}

/** Code-unit order: locale-independent, so plans are identical on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
