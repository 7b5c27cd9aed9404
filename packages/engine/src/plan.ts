import diff from "microdiff";
import { observedUserConfig, readMark, stampConfig, userConfig, type ManagedMark } from "./managed";
import { isConfigProviderReference, isSecretKey, redactCredentials } from "./secrets";
import { configUsesTopic } from "./topic-usage";
import type {
  ConnectorSpec,
  DesiredRunState,
  DesiredSet,
  KeyChange,
  ObservedCluster,
  ObservedConnector,
  Plan,
  PlanAction,
  PlanConflict,
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
   * managers existed, or by the old toolchain with `id`/`version` inside its config) matches a desired
   * spec by id (an update re-stamps it), and is otherwise left alone (listed in `managedElsewhere`
   * without a manager). With a function, "this plan's managers" are the managers of its desired
   * specs: a plan with no spec for a manager leaves that manager's connectors alone.
   * Default `cli/default` ({@link DEFAULT_MANAGER}).
   */
  manager?: string | ((spec: ConnectorSpec) => string);
  /** Also delete connectors on the cluster that no one manages (no stamp), within the scope. */
  prune?: boolean;
  /**
   * Only these connectors are looked at (the web app plans one change request): those stamped with
   * one of `ids`, and those at one of `names`. Everything else on the cluster is outside the plan
   * (neither listed as unmanaged nor touched). With a scope, every id in `ids` that no desired spec
   * carries is a requested deletion (a MANAGED_ELSEWHERE conflict when another manager stamped it).
   * The desired specs' own ids and names are always in scope, so a spec always sees its connector and
   * whatever holds its name.
   */
  scope?: { ids: readonly string[]; names: readonly string[] };
  /**
   * Take over connectors held by someone else: `true` for all, or the ids of the desired specs that
   * may. Taking over an unmanaged connector at a desired name, or one stamped by another manager,
   * becomes an update (with a TAKE_OVER warning) instead of a conflict; with a scope, a requested
   * deletion of a connector stamped by another manager becomes a delete. A name held by a connector
   * stamped with another id is never taken over.
   */
  takeOver?: boolean | readonly string[];
  /**
   * Restarts asked for explicitly (restart items of a change request): added after the other state
   * actions, replacing the planner's own restart or "unchanged" for that connector; not for a
   * connector the plan creates or deletes.
   */
  restarts?: ReadonlyArray<{ id: string; name: string; onlyFailed: boolean; taskId?: number }>;
  /** Connector name → keys Connect types as PASSWORD (from the plugin's config definition). */
  secretKeys?: Record<string, string[]>;
  /**
   * Ids of desired specs forced back onto their live connector (a revert or adoption of drift): no
   * version compare-and-set and no older-version skip, since the live stamp is part of what
   * drifted, and a live stamp that is missing or newer than the spec's version is rewritten.
   */
  force?: readonly string[];
  /**
   * Topic changes asked for explicitly (a change request's create_topic / delete_topic items).
   * Creations join the desired connectors' declared topics (created before any connector step).
   * Deletions are planned only from here, never as a side effect; deleting a topic that a connector
   * left on the cluster (or a desired one) uses is a TOPIC_IN_USE conflict. Topics not read
   * (`observed.topics` undefined): every explicit change is listed, the apply checks existence.
   */
  topics?: { create?: readonly TopicSpec[]; delete?: readonly string[] };
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

/** The manager stamped when none is given. */
export const DEFAULT_MANAGER = "cli/default";

/**
 * How the plan sees one live connector:
 * - `ours`: stamped with one of the plan's managers;
 * - `no-manager`: stamped with an id but no manager (before managers existed, or the old toolchain);
 * - `elsewhere`: stamped by another manager;
 * - `unmanaged`: no stamp;
 * - `no-config`: Connect returned no config, so nobody can tell.
 */
type LiveKind = "ours" | "no-manager" | "elsewhere" | "unmanaged" | "no-config";
type Live = { connector: ObservedConnector; mark: ManagedMark | null; kind: LiveKind };

/** What happens to one desired spec. */
type SpecPlan = {
  spec: ConnectorSpec;
  manager: string;
  /** The live connector stamped with the spec's id. */
  current?: Live;
  /** The live connector at the spec's name, when it is not `current`. */
  atName?: Live;
  status: "proceed" | "skip" | "conflict" | "blocked";
  /** `current` is stamped by another manager and may be taken over. */
  takeOver?: boolean;
  /** The unmanaged connector at the spec's name, taken over. */
  adopt?: Live;
  /** Forced back onto the live connector (PlanOptions.force). */
  forced?: boolean;
};

/**
 * Computes what to do to bring the observed cluster to the desired set. Connectors are matched by the
 * `switchboard.id` stamped in their config, never by name. Pure and deterministic: same input, same
 * plan (whatever the order of the inputs); no I/O; inputs are not mutated. A plan with `conflicts`
 * must not be applied.
 */
export function plan(desired: DesiredSet, observed: ObservedCluster, opts: PlanOptions = {}): Plan {
  const specs = [...desired.connectors].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
  const managerOf = (spec: ConnectorSpec): string =>
    typeof opts.manager === "function" ? opts.manager(spec) : (opts.manager ?? DEFAULT_MANAGER);
  const ours = new Set(typeof opts.manager === "function" ? specs.map(managerOf) : [opts.manager ?? DEFAULT_MANAGER]);
  const mayTakeOver = (id: string): boolean =>
    opts.takeOver === true || (typeof opts.takeOver === "object" && opts.takeOver.includes(id));
  const desiredIds = new Set(specs.map((s) => s.id));
  const desiredNames = new Set(specs.map((s) => s.name));
  // A desired spec's own connector and the holder of its name are always looked at.
  const scope = opts.scope && {
    requestedIds: new Set(opts.scope.ids),
    ids: new Set([...opts.scope.ids, ...desiredIds]),
    names: new Set([...opts.scope.names, ...desiredNames]),
  };

  const live: Live[] = [];
  for (const connector of [...observed.connectors].sort((a, b) => compare(a.name, b.name))) {
    const mark = readMark(connector.config);
    if (scope && !scope.names.has(connector.name) && !(mark && scope.ids.has(mark.id))) continue;
    const kind: LiveKind =
      connector.config === null
        ? "no-config"
        : !mark
          ? "unmanaged"
          : mark.manager === undefined
            ? "no-manager"
            : ours.has(mark.manager)
              ? "ours"
              : "elsewhere";
    live.push({ connector, mark, kind });
  }
  const byName = new Map(live.map((l) => [l.connector.name, l]));
  const byId = new Map<string, Live[]>();
  for (const l of live) if (l.mark) byId.set(l.mark.id, [...(byId.get(l.mark.id) ?? []), l]);

  const warnings: PlanWarning[] = [];
  const conflicts: PlanConflict[] = [];
  const claimedBy = new Map<Live, SpecPlan>();
  const specPlans: SpecPlan[] = [];

  // 1. Match each spec to its live connector by id; ownership, compare-and-set and version checks.
  for (const spec of specs) {
    const manager = managerOf(spec);
    const current = pickCurrent(byId.get(spec.id) ?? [], spec.name);
    const atName = byName.get(spec.name);
    const sp: SpecPlan = { spec, manager, status: "proceed" };
    if (current) sp.current = current;
    if (atName && atName !== current) sp.atName = atName;
    specPlans.push(sp);
    if (current) claimedBy.set(current, sp);

    if (atName && atName.kind === "no-config" && atName !== current) {
      // Without its config we cannot tell whose connector holds the name; acting could clobber it.
      claimedBy.set(atName, sp);
      sp.status = "blocked";
      warnings.push({
        connector: spec.name,
        code: "UNMANAGED",
        message: `Connect returned no config for connector "${spec.name}", so Switchboard cannot tell whether it manages it; nothing is planned for it this time`,
      });
      continue;
    }

    if (current?.kind === "elsewhere") {
      if (!mayTakeOver(spec.id)) {
        sp.status = "conflict";
        conflicts.push({
          connector: spec.name,
          id: spec.id,
          code: "MANAGED_ELSEWHERE",
          message: `connector "${current.connector.name}" (id ${spec.id}) is managed by ${current.mark?.manager}, not by ${manager}; it is left alone`,
          heldBy: heldBy(current),
        });
        continue;
      }
      sp.takeOver = true;
    }

    const deployedVersion = current?.mark?.version;
    if (opts.force?.includes(spec.id)) {
      sp.forced = true;
    } else if (current && deployedVersion !== undefined && spec.expectedVersion !== undefined) {
      // An older live stamp passes: a run-state change bumps the version without rewriting the config.
      if (deployedVersion > spec.expectedVersion && deployedVersion !== spec.version) {
        sp.status = "conflict";
        conflicts.push({
          connector: spec.name,
          id: spec.id,
          code: "VERSION_MISMATCH",
          message: `connector "${current.connector.name}" is at version ${deployedVersion} on the cluster, but the change was written against version ${spec.expectedVersion}`,
          heldBy: heldBy(current),
        });
        continue;
      }
    } else if (current && deployedVersion !== undefined && spec.version !== undefined && spec.version < deployedVersion) {
      sp.status = "skip";
    }
  }

  // 2. What becomes of the live connectors no spec matched.
  const fates = new Map<Live, Fate>();
  for (const l of live) {
    if (claimedBy.has(l)) continue;
    fates.set(l, unclaimedFate(l));
  }
  function unclaimedFate(l: Live): Fate {
    const id = l.mark?.id;
    switch (l.kind) {
      case "no-config":
        return { stay: "unmanaged" };
      case "unmanaged":
        // At a desired name it is a name clash (or a take-over), never a prune.
        if (desiredNames.has(l.connector.name) || !opts.prune) return { stay: "unmanaged" };
        return { delete: "not managed by Switchboard (prune)", managed: false };
      case "ours":
        // Within a scope only the requested ids are this plan's to delete: another connector of the
        // same manager seen at a scoped name (another team's, in the web app) stays, and holds its name.
        if (scope && !scope.requestedIds.has(id ?? "")) return { stay: "outside" };
        return {
          delete: desiredIds.has(id ?? "") ? `another connector carries the same id ${id}` : "removed from the definitions",
          managed: true,
        };
      case "no-manager":
        if (scope?.requestedIds.has(id ?? "") && !desiredIds.has(id ?? "")) return { delete: "removed from the definitions", managed: true };
        return { stay: scope ? "outside" : "elsewhere" };
      case "elsewhere":
        if (scope?.requestedIds.has(id ?? "") && !desiredIds.has(id ?? "")) {
          if (mayTakeOver(id ?? "")) return { delete: "removed from the definitions", managed: true, takeOver: true };
          conflicts.push({
            connector: l.connector.name,
            ...(id === undefined ? {} : { id }),
            code: "MANAGED_ELSEWHERE",
            message: `connector "${l.connector.name}" (id ${id}) is managed by ${l.mark?.manager}; it cannot be deleted from here`,
            heldBy: heldBy(l),
          });
        }
        return { stay: "elsewhere" };
    }
  }

  // 3. Names: a spec that needs its name (create, rename, adoption) gets it only when the holder goes
  // away in this same plan. A spec given up frees nothing, so repeat until nothing changes.
  const leaves = (l: Live): boolean => {
    const owner = claimedBy.get(l);
    if (!owner) return fates.get(l)?.delete !== undefined;
    return owner.status === "proceed" && owner.current === l && owner.spec.name !== l.connector.name;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const sp of specPlans) {
      const holder = sp.atName;
      if (sp.status !== "proceed" || !holder || sp.adopt === holder || leaves(holder)) continue;
      if (holder.kind === "unmanaged" && !claimedBy.has(holder) && mayTakeOver(sp.spec.id)) {
        sp.adopt = holder;
        claimedBy.set(holder, sp);
        continue;
      }
      sp.status = "conflict";
      changed = true;
      conflicts.push(nameTaken(sp, holder));
    }
  }

  // 4. Actions.
  const actions: PlanAction[] = [];
  const expected = new Map<string, DesiredRunState | "ABSENT">();
  const topicSources: ConnectorSpec[] = [];
  for (const sp of specPlans) {
    const { spec, current } = sp;
    if (sp.status === "skip" && current) {
      const deployedVersion = current.mark?.version;
      actions.push({
        kind: "skip",
        name: spec.name,
        id: spec.id,
        ...(spec.version === undefined ? {} : { version: spec.version }),
        ...(deployedVersion === undefined ? {} : { deployedVersion }),
        reason: `desired version ${spec.version} is older than deployed version ${deployedVersion}`,
      });
      warnings.push({
        connector: spec.name,
        code: "SKIPPED_OLDER_VERSION",
        message: `desired version ${spec.version} is older than deployed version ${deployedVersion}; the deployed connector is left as it is`,
      });
      continue;
    }
    if (sp.status !== "proceed") continue;

    expected.set(spec.name, spec.state);
    topicSources.push(spec);
    if (sp.takeOver && current) {
      warnings.push({
        connector: spec.name,
        code: "TAKE_OVER",
        message: `connector "${current.connector.name}" is managed by ${current.mark?.manager}; it is taken over and will be managed by ${sp.manager} from now on`,
      });
    }

    if (current && current.connector.name === spec.name) {
      planExisting(sp, current, opts, actions, warnings);
      continue;
    }
    if (current) {
      actions.push({ kind: "delete", name: current.connector.name, id: spec.id, managed: true, reason: `renamed to ${spec.name}` });
      markAbsent(expected, current.connector.name);
      warnings.push({ connector: spec.name, code: "RENAME", message: renameMessage(current.connector, spec) });
    }
    if (sp.adopt) {
      warnings.push({
        connector: spec.name,
        code: "TAKE_OVER",
        message: `the name "${spec.name}" is held by a connector Switchboard does not manage; it is taken over (its config replaced by the definition and stamped as managed by ${sp.manager})`,
      });
      planExisting(sp, sp.adopt, opts, actions, warnings);
      continue;
    }
    actions.push({
      kind: "create",
      name: spec.name,
      id: spec.id,
      ...(spec.version === undefined ? {} : { version: spec.version }),
      config: stampConfig(spec.config, markOf(sp)),
      state: spec.state,
      reason: current ? `renamed from ${current.connector.name}` : "new connector",
    });
  }

  const unmanaged: string[] = [];
  const managedElsewhere: Plan["managedElsewhere"] = [];
  for (const l of live) {
    const owner = claimedBy.get(l);
    const fate = fates.get(l);
    if (fate?.delete !== undefined) {
      actions.push({
        kind: "delete",
        name: l.connector.name,
        ...(l.mark ? { id: l.mark.id } : {}),
        managed: fate.managed,
        reason: fate.delete,
      });
      markAbsent(expected, l.connector.name);
      if (fate.takeOver) {
        warnings.push({
          connector: l.connector.name,
          code: "TAKE_OVER",
          message: `connector "${l.connector.name}" is managed by ${l.mark?.manager}; it is taken over and deleted`,
        });
      }
      continue;
    }
    const taken = owner?.status === "proceed" && (owner.adopt === l || (owner.current === l && owner.takeOver));
    if (l.mark && l.kind === "elsewhere" && !taken) {
      managedElsewhere.push({ name: l.connector.name, id: l.mark.id, ...(l.mark.manager === undefined ? {} : { manager: l.mark.manager }) });
    } else if (l.mark && l.kind === "no-manager" && !owner && fate?.stay !== "outside") {
      managedElsewhere.push({ name: l.connector.name, id: l.mark.id });
    } else if ((l.kind === "unmanaged" || l.kind === "no-config") && !owner) {
      unmanaged.push(l.connector.name);
    }
  }

  const ordered = withForcedRestarts(orderActions(actions), opts.restarts);
  return {
    actions: ordered,
    topicsToCreate: mergeTopics(topicsToCreate(topicSources, observed.topics), explicitCreates(opts.topics?.create ?? [], observed.topics, warnings)),
    // Only explicit deletions: Switchboard cannot prove it created a data topic, and deleting one loses data.
    topicsToDelete: explicitDeletes(opts.topics?.delete ?? [], observed, specs, ordered, warnings, conflicts),
    unmanaged,
    managedElsewhere,
    conflicts: conflicts.sort(
      (a, b) => compare(a.connector, b.connector) || compare(a.code, b.code) || compare(a.message, b.message),
    ),
    warnings: [...warnings].sort(
      (a, b) => compare(a.connector ?? "", b.connector ?? "") || compare(a.code, b.code) || compare(a.message, b.message),
    ),
    expected: Object.fromEntries([...expected].sort(([a], [b]) => compare(a, b))),
  };
}

/** What becomes of a live connector no spec matched: deleted (and why), or left alone (and listed where). */
/** `outside`: seen only because it sits at a scoped name; neither touched nor listed. */
type Fate = { delete: string; managed: boolean; takeOver?: boolean; stay?: undefined } | { stay: "unmanaged" | "elsewhere" | "outside"; delete?: undefined };

/**
 * The live connector a spec stands for, among those stamped with its id: one that is not managed
 * elsewhere first, at the spec's name first, then by name. Others with the id are duplicates.
 */
function pickCurrent(candidates: readonly Live[], name: string): Live | undefined {
  const rank = (l: Live) => (l.kind === "elsewhere" ? 2 : 0) + (l.connector.name === name ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b) || compare(a.connector.name, b.connector.name))[0];
}

function heldBy(l: Live): NonNullable<PlanConflict["heldBy"]> {
  return {
    name: l.connector.name,
    ...(l.mark ? { id: l.mark.id } : {}),
    ...(l.mark?.manager === undefined ? {} : { manager: l.mark.manager }),
  };
}

function nameTaken(sp: SpecPlan, holder: Live): PlanConflict {
  const { spec } = sp;
  const base = { connector: spec.name, id: spec.id, code: "NAME_TAKEN" as const, heldBy: heldBy(holder) };
  if (!holder.mark) {
    return {
      ...base,
      message: `the name "${spec.name}" is held by a connector Switchboard does not manage; creating "${spec.name}" (id ${spec.id}) would overwrite it`,
    };
  }
  const by = holder.mark.manager === undefined ? "" : `, managed by ${holder.mark.manager}`;
  return {
    ...base,
    message: `the name "${spec.name}" is held by a connector with id ${holder.mark.id}${by}; creating "${spec.name}" (id ${spec.id}) would overwrite it`,
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

/**
 * Update (when the config differs, or the stamps must change: adoption, take-over, a connector
 * stamped without a manager), then the run-state action; noop when neither is needed.
 */
function planExisting(sp: SpecPlan, live: Live, opts: PlanOptions, actions: PlanAction[], warnings: PlanWarning[]): void {
  const { spec } = sp;
  const current = live.connector;
  const deployedVersion = live.mark?.version;
  const before = comparableConfig(observedUserConfig(current.config ?? {}));
  const after = comparableConfig(userConfig(spec.config));
  const changes = configChanges(before, after, opts.secretKeys?.[spec.name]);
  const restamp = restampReason(sp, live);
  const updates = changes.length > 0 || restamp !== undefined;

  if (updates) {
    const reasons = [
      ...(restamp === undefined ? [] : [restamp]),
      ...(changes.length > 0 ? [`${changes.length} config ${changes.length === 1 ? "key" : "keys"} changed`] : []),
    ];
    actions.push({
      kind: "update",
      name: spec.name,
      id: spec.id,
      ...(deployedVersion === undefined ? {} : { fromVersion: deployedVersion }),
      ...(spec.version === undefined ? {} : { version: spec.version }),
      config: stampConfig(spec.config, markOf(sp)),
      changes,
      reason: reasons.join("; "),
    });
    warnings.push(...updateWarnings(spec.name, current, changes, before, after));
  }

  const stateAction = runStateAction(spec, current);
  if (stateAction) actions.push(stateAction);

  if (!updates && !stateAction) {
    const metadataOnly = spec.version !== undefined && spec.version !== deployedVersion;
    // A version bump alone does not touch the connector: an update would restart it for nothing.
    actions.push({ kind: "noop", name: spec.name, id: spec.id, reason: metadataOnly ? "metadata only" : "unchanged" });
  }
}

/** Why the live connector's stamps must be rewritten even if its config is unchanged; undefined when they need not. */
function restampReason(sp: SpecPlan, live: Live): string | undefined {
  const mark = live.mark;
  if (!mark) return "adopt unmanaged connector";
  if (sp.takeOver) return `take over from ${mark.manager}`;
  if (mark.legacy) return `stamp as managed by ${sp.manager} (replacing the old toolchain's id and version keys)`;
  if (mark.manager === undefined) return `stamp as managed by ${sp.manager}`;
  if (mark.manager !== sp.manager) return `re-stamp as managed by ${sp.manager} (was ${mark.manager})`;
  if (sp.forced && sp.spec.version !== undefined && (mark.version === undefined || mark.version > sp.spec.version)) {
    return `restore the version stamp ${sp.spec.version} (live: ${mark.version ?? "none"})`;
  }
  return undefined;
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

/** Explicit creations of topics not there yet; an existing one is left as it is, with a warning. */
function explicitCreates(wanted: readonly TopicSpec[], existing: string[] | undefined, warnings: PlanWarning[]): TopicSpec[] {
  const present = new Set(existing ?? []);
  const out: TopicSpec[] = [];
  for (const topic of wanted) {
    if (present.has(topic.name)) {
      warnings.push({ code: "TOPIC_EXISTS", message: `topic ${topic.name} exists already; it is left as it is (its partitions and configs are not changed)` });
      continue;
    }
    out.push(topic.config ? { ...topic, config: { ...topic.config } } : { ...topic });
  }
  return out;
}

/** Declared and explicit creations, one per name (the declared one first), sorted by name. */
function mergeTopics(declared: TopicSpec[], explicit: TopicSpec[]): TopicSpec[] {
  const byName = new Map<string, TopicSpec>();
  for (const t of [...declared, ...explicit]) if (!byName.has(t.name)) byName.set(t.name, t);
  return [...byName.values()].sort((a, b) => compare(a.name, b.name));
}

/**
 * Explicit deletions of existing topics that no connector remaining after the plan uses: live
 * connectors the plan does not delete (whoever manages them) and the desired ones, by their config.
 */
function explicitDeletes(
  names: readonly string[],
  observed: ObservedCluster,
  specs: readonly ConnectorSpec[],
  actions: readonly PlanAction[],
  warnings: PlanWarning[],
  conflicts: PlanConflict[],
): string[] {
  const present = observed.topics && new Set(observed.topics);
  const deleted = new Set(actions.filter((a) => a.kind === "delete").map((a) => a.name));
  const desiredNames = new Set(specs.map((s) => s.name));
  const remaining = [
    ...observed.connectors.filter((c) => !deleted.has(c.name) && !desiredNames.has(c.name)).map((c) => ({ name: c.name, config: c.config })),
    ...specs.map((s) => ({ name: s.name, config: s.config })),
  ];
  const out: string[] = [];
  for (const name of [...new Set(names)].sort(compare)) {
    if (present && !present.has(name)) {
      warnings.push({ code: "TOPIC_MISSING", message: `topic ${name} does not exist; there is nothing to delete` });
      continue;
    }
    const users = remaining.filter((c) => configUsesTopic(c.config, name)).map((c) => c.name).sort(compare);
    if (users.length > 0) {
      conflicts.push({
        connector: users[0]!,
        code: "TOPIC_IN_USE",
        message: `topic ${name} is not deleted: connector${users.length === 1 ? "" : "s"} ${users.join(", ")} ${users.length === 1 ? "uses" : "use"} it; delete or change ${users.length === 1 ? "it" : "them"} first`,
      });
      continue;
    }
    out.push(name);
  }
  return out;
}

function orderActions(actions: PlanAction[]): PlanAction[] {
  // Stable sort: an update stays before the state action of the same connector within its group.
  return [...actions].sort((a, b) => GROUP[a.kind] - GROUP[b.kind] || compare(a.name, b.name));
}

/** A deleted name may be reused by another definition in the same plan (name swap): that one wins. */
function markAbsent(expected: Map<string, DesiredRunState | "ABSENT">, name: string): void {
  if (!expected.has(name)) expected.set(name, "ABSENT");
}

function markOf({ spec, manager }: SpecPlan): ManagedMark {
  return spec.version === undefined ? { id: spec.id, manager } : { id: spec.id, version: spec.version, manager };
}

/**
 * Adds the restarts asked for after the other state actions, replacing the planner's own restart or
 * "unchanged" for that connector; a connector the plan creates or deletes is not restarted.
 */
function withForcedRestarts(actions: PlanAction[], restarts: PlanOptions["restarts"]): PlanAction[] {
  if (!restarts || restarts.length === 0) return actions;
  const recreated = new Set(actions.filter((a) => a.kind === "create" || a.kind === "delete").map((a) => a.name));
  // One restart per connector; a full restart wins over one of failed tasks only, and over one of a single task.
  const byName = new Map<string, { id: string; name: string; onlyFailed: boolean; taskId?: number }>();
  for (const r of restarts) {
    if (recreated.has(r.name)) continue;
    const seen = byName.get(r.name);
    const taskId = seen ? (seen.taskId === r.taskId ? r.taskId : undefined) : r.taskId;
    const merged = seen ? { ...seen, onlyFailed: seen.onlyFailed && r.onlyFailed } : { id: r.id, name: r.name, onlyFailed: r.onlyFailed };
    byName.set(r.name, taskId === undefined ? { id: merged.id, name: merged.name, onlyFailed: merged.onlyFailed } : { ...merged, taskId });
  }
  if (byName.size === 0) return actions;
  const forced: PlanAction[] = [...byName.values()]
    .sort((a, b) => compare(a.name, b.name))
    .map((r) => ({
      kind: "restart",
      name: r.name,
      id: r.id,
      onlyFailed: r.onlyFailed,
      ...(r.taskId === undefined ? {} : { taskId: r.taskId }),
      reason: r.taskId !== undefined ? `restart of task ${r.taskId} requested` : r.onlyFailed ? "restart of failed tasks requested" : "restart requested",
    }));
  const kept = actions.filter((a) => !(byName.has(a.name) && (a.kind === "restart" || a.kind === "noop")));
  const last = (a: PlanAction) => a.kind === "noop" || a.kind === "skip";
  return [...kept.filter((a) => !last(a)), ...forced, ...kept.filter(last)];
}

/** Code-unit order: locale-independent, so plans are identical on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
