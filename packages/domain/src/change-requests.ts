/**
 * Change request use cases: the lifecycle (who may do what in which status, decided by the policy
 * module), the review page's view, the preview against the live cluster, the deploy hand-off to the
 * worker, and the record an ended change request is shown from.
 */
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import type { ChangeRequestStatus, DesiredState, ReviewDecision } from "@switchboard/db/enums";
import { DbError } from "@switchboard/db/errors";
import {
  addReview,
  countChangeRequestsByStatus,
  createChangeRequest,
  editChangeRequest,
  findStaleItems,
  getChangeItemSecrets,
  getChangeRequest,
  getRevisionSecrets,
  listChangeRequests,
  transitionChangeRequest,
  type ChangeItem,
  type ChangeItemInput,
  type ChangeRequest,
  type StaleItem,
} from "@switchboard/db/repos/change-requests";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getConnector, getConnectorSecrets, listConnectorRevisions, type Connector } from "@switchboard/db/repos/connectors";
import { createDeployment, listDeployments } from "@switchboard/db/repos/deployments";
import { enqueueJob } from "@switchboard/db/repos/jobs";
import { listTeams } from "@switchboard/db/repos/teams";
import { planToJson, type PlanJson } from "@switchboard/engine/format";
import type { PlanWarning, Problem } from "@switchboard/engine/model";
import { ConnectError, type ConnectorOffset, type ConnectPort } from "@switchboard/engine/port";
import { MASK, redactDeep, secretValuesOf, splitSecrets } from "@switchboard/engine/secrets";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";
import { diffDefinitions, nameClash, passwordKeysFromCluster, rawConfig, resolveItems, storedDefinition, type ChangeItemRequest, type Definition, type DiffRow } from "./change-items";
import { parseApplyOptions } from "./apply-options";
import { buildDeployInput, describeConflicts, newConnectorId, planDeploy } from "./change-pipeline";
import type { DeploymentReport } from "./deployments";
import { conflict, DomainError, notFound, precondition } from "./errors";
import { isOffsetAction, previewOffsets, recordedOffsets, storedOffsetPayload, type OffsetPreview } from "./offsets";
import { moveLiveConflicts, moveNameClashes, moveTargetView, moveViews, requiredApprovals, type ConnectFactory, type MoveView } from "./move";
import { deployJob } from "./jobs";
import { driftActionOf, type DriftAction } from "./drift-items";
import { previewTopics, topicOfItem, type TopicFactory, type TopicItemPayload, type TopicPreview } from "./topic-items";
import { changePermissions, countingApprovals, describeStatus, hasRoleAtLeast, isScopeDenial, OPEN_STATUSES, type ChangeFacts, type ChangePermissions, type Permission, type SessionUser } from "./policy";

export type { ChangePermissions, Permission };

function refuse(p: Permission, code: "FORBIDDEN" | "PRECONDITION_FAILED"): void {
  // An API token limited to other teams is forbidden, whatever the change's state.
  if (!p.allowed) throw new DomainError(isScopeDenial(p) ? "FORBIDDEN" : code, p.reason ?? "Not allowed.");
}

async function load(db: DbOrTx, id: string): Promise<ChangeRequest> {
  const cr = await getChangeRequest(db, id);
  if (!cr) throw notFound("No such change request.");
  return cr;
}

async function loadCluster(db: DbOrTx, id: string): Promise<Cluster> {
  const cluster = await getCluster(db, id);
  if (!cluster) throw notFound("No such cluster.");
  return cluster;
}

function changedMeanwhile(): DomainError {
  return conflict("The change request changed meanwhile; reload and try again.");
}

/** Names this change creates (new connectors and renames) that a live connector already holds, in words. */
async function nameClashes(db: DbOrTx, cr: ChangeRequest): Promise<string[]> {
  const out: string[] = [];
  for (const item of cr.items) {
    const renamed = item.action === "update" && item.connectorId !== null;
    if (item.action !== "create" && !renamed) continue;
    // A create's connector takes the item's id: once recorded (a partly applied deploy), it is no clash with itself.
    const clash = await nameClash(db, cr.clusterId, item.connectorName, item.connectorId ?? newConnectorId(item));
    if (clash) out.push(clash);
  }
  return [...out, ...(await moveNameClashes(db, cr))];
}

/** Everything the policy needs to decide about this change request, read from the database now. */
export async function changeFacts(db: DbOrTx, cr: ChangeRequest): Promise<ChangeFacts & { stale: StaleItem[] }> {
  const open = OPEN_STATUSES.includes(cr.status);
  const [stale, clashes, teamIds, approvalsRequired] = await Promise.all([
    open ? findStaleItems(db, cr.id) : Promise.resolve([]),
    open ? nameClashes(db, cr) : Promise.resolve([]),
    itemTeamIds(db, cr.items),
    requiredApprovals(db, cr),
  ]);
  return {
    status: cr.status,
    authorId: cr.authorId,
    writerIds: cr.writers.map((w) => w.userId),
    revision: cr.revision,
    itemCount: cr.items.length,
    teamIds,
    approvals: cr.reviews
      .filter((r) => r.decision === "approve")
      .map((r) => ({ reviewerId: r.reviewerId, revision: r.crRevision, dismissed: r.dismissedAt !== null, reviewerRole: r.reviewer.role, reviewerDisabled: r.reviewer.disabled })),
    approvalsRequired,
    staleCount: stale.length,
    stale,
    clashes,
  };
}

async function itemTeamIds(db: DbOrTx, items: readonly ChangeItem[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const item of items) {
    if (item.teamId) ids.add(item.teamId);
    const connector = item.connectorId ? await getConnector(db, item.connectorId) : null;
    if (connector) ids.add(connector.teamId);
  }
  return [...ids];
}

// ---- list ----

export type ListInput = { status?: ChangeRequestStatus | ChangeRequestStatus[]; clusterId?: string; mine?: boolean; page: number; pageSize: number };

/** One page of change requests (most recently updated first) with counts per status for the tabs. */
export async function listChangeRequestPage(db: DbOrTx, user: SessionUser, input: ListInput) {
  const filter = { clusterId: input.clusterId, involving: input.mine ? { userId: user.id, teamIds: user.teamIds } : undefined };
  const [page, counts] = await Promise.all([
    listChangeRequests(db, { ...filter, status: input.status, page: input.page, pageSize: input.pageSize }),
    countChangeRequestsByStatus(db, filter),
  ]);
  return { items: page.items, total: page.total, page: input.page, pageSize: input.pageSize, counts };
}

// ---- detail ----

export type ItemView = {
  id: string;
  position: number;
  action: ChangeItem["action"];
  connectorId: string | null;
  connectorName: string;
  /** The name before a rename; null when unchanged or for a create. */
  previousName: string | null;
  team: { id: string; name: string } | null;
  proposedState: DesiredState | null;
  stateChange: { before: DesiredState | null; after: DesiredState | null } | null;
  onlyFailed: boolean;
  /** Proposed config as the editor shows it: secrets as "(sensitive)", credentials in values redacted (create/update). */
  proposedConfig: Record<string, string> | null;
  /** Keys the server stores as secret for this item. */
  secretKeys: string[];
  diff: DiffRow[];
  baseVersion: number | null;
  currentVersion: number | null;
  stale: boolean;
  connectorDeleted: boolean;
  /** A topic item's topic (with partitions, replication factor and configs for a creation); null for other items. */
  topic: TopicItemPayload | null;
  /** Offsets items: the partitions a "set offsets" item sets ([] for a reset); null for other actions. */
  offsets?: ConnectorOffset[] | null;
  /** A move: the cluster the connector goes to. */
  moveTo?: { id: string; name: string };
  /** A drift revert or adoption (server-made update items); null for any other item, absent in older records. */
  drift?: DriftAction | null;
};

/** The record kept when a change request ends: what it was, as approved. */
export type ChangeRecord = {
  at: string;
  revision: number;
  status: ChangeRequestStatus;
  items: ItemView[];
};

/** The proposed config for the editor: secret keys as MASK, the display-safe part as stored. */
function editorConfig(item: ChangeItem): Record<string, string> | null {
  if (!item.proposedConfig) return null;
  const out: Record<string, string> = { ...item.proposedConfig };
  for (const key of item.proposedSecretKeys) if (!(key in out)) out[key] = MASK;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function itemView(db: DbOrTx, item: ChangeItem, stale: readonly StaleItem[], teams: Map<string, string>): Promise<ItemView> {
  const connector = item.connectorId ? await getConnector(db, item.connectorId) : null;
  const live = connector && !connector.deletedAt ? connector : null;
  const current = live ? await storedDefinition(db, live) : null;
  const proposed: Definition | null =
    item.action === "create" || item.action === "update" ? { config: item.proposedConfig ?? {}, secrets: await getChangeItemSecrets(db, item.id) } : item.action === "delete" ? null : current;
  const stateBefore = live ? live.desiredState : null;
  const stateAfter = item.action === "delete" ? null : (item.proposedState ?? ({ pause: "PAUSED", resume: "RUNNING", stop: "STOPPED" } as const)[item.action as "pause"] ?? stateBefore);
  const teamId = item.teamId ?? connector?.teamId ?? null;
  const staleEntry = stale.find((s) => s.itemId === item.id);
  return {
    id: item.id,
    position: item.position,
    action: item.action,
    connectorId: item.connectorId,
    connectorName: item.connectorName,
    previousName: connector && connector.name !== item.connectorName ? connector.name : null,
    team: teamId ? { id: teamId, name: teams.get(teamId) ?? "unknown team" } : null,
    proposedState: item.proposedState,
    stateChange: stateBefore === stateAfter ? null : { before: stateBefore, after: stateAfter },
    onlyFailed: item.onlyFailed,
    proposedConfig: editorConfig(item),
    secretKeys: item.proposedSecretKeys,
    diff: diffDefinitions(current, proposed),
    baseVersion: item.baseVersion,
    currentVersion: connector?.version ?? null,
    stale: staleEntry !== undefined,
    connectorDeleted: staleEntry?.deleted ?? false,
    topic: topicOfItem(item),
    offsets: isOffsetAction(item.action) ? storedOffsetPayload(item).offsets : null,
    ...(item.action === "move" ? { moveTo: await moveTargetView(db, item) } : {}),
    drift: driftActionOf(item),
  };
}

async function itemViews(db: DbOrTx, cr: ChangeRequest, stale: readonly StaleItem[]): Promise<ItemView[]> {
  const teams = new Map((await listTeams(db)).map((t) => [t.id, t.name]));
  const views: ItemView[] = [];
  for (const item of cr.items) views.push(await itemView(db, item, stale, teams));
  return views;
}

/** What the change is now, to keep as its record when it ends. */
async function recordOf(db: DbOrTx, cr: ChangeRequest, status: ChangeRequestStatus): Promise<ChangeRecord> {
  return { at: new Date().toISOString(), revision: cr.revision, status, items: await itemViews(db, cr, []) };
}

function recordedItems(cr: ChangeRequest): ItemView[] | null {
  const record = cr.record as Partial<ChangeRecord> | null;
  return record && Array.isArray(record.items) ? record.items : null;
}

/**
 * The review page's view of a change request: items with diffs, reviews, approvals, writers,
 * permissions, deployments. An open change request is shown against today's connectors; an ended
 * one (deploying, deployed, failed, rejected, cancelled) from its record, as approved.
 */
export async function changeRequestDetail(db: DbOrTx, user: SessionUser, id: string) {
  const cr = await load(db, id);
  const [facts, deployments] = await Promise.all([changeFacts(db, cr), listDeployments(db, { changeRequestId: id })]);
  const open = OPEN_STATUSES.includes(cr.status);
  const items = (!open && recordedItems(cr)) || (await itemViews(db, cr, facts.stale));
  const counted = new Set(countingApprovals(facts.approvals, facts.writerIds, cr.revision));
  return {
    id: cr.id,
    title: cr.title,
    rationale: cr.rationale,
    status: cr.status,
    statusNote: cr.statusNote,
    revision: cr.revision,
    createdAt: cr.createdAt,
    updatedAt: cr.updatedAt,
    submittedAt: cr.submittedAt,
    decidedAt: cr.decidedAt,
    deployedAt: cr.deployedAt,
    author: cr.author,
    writers: cr.writers.map((w) => ({ ...w.user, firstRevision: w.firstRevision, lastRevision: w.lastRevision })),
    cluster: cr.cluster,
    /** True when the items are the record kept when it ended, not today's comparison. */
    recorded: !open && recordedItems(cr) !== null,
    items,
    stale: facts.stale.map((s) => ({ itemId: s.itemId, connectorName: s.connectorName, baseVersion: s.baseVersion, currentVersion: s.currentVersion, deleted: s.deleted })),
    clashes: facts.clashes,
    reviews: cr.reviews.map((r) => ({
      id: r.id,
      reviewer: { id: r.reviewer.id, name: r.reviewer.name, email: r.reviewer.email },
      decision: r.decision,
      comment: r.comment,
      revision: r.crRevision,
      createdAt: r.createdAt,
      dismissed: r.dismissedAt !== null || (r.decision === "approve" && r.crRevision !== cr.revision),
      counted: r.decision === "approve" && r.crRevision === cr.revision && r.dismissedAt === null && counted.has(r.reviewerId),
      /** The reviewer as they are now (an approval counts only while they are an enabled approver). */
      reviewerNow: r.reviewer.disabled ? ("disabled" as const) : hasRoleAtLeast(r.reviewer, "approver") ? ("approver" as const) : ("not an approver" as const),
    })),
    approvals: { count: counted.size, required: facts.approvalsRequired },
    /** How the deploy throttles it; null: the engine's defaults (see ./apply-options). */
    applyOptions: parseApplyOptions(cr.applyOptions),
    permissions: changePermissions(user, facts),
    deployments: deployments.map((d) => ({ id: d.id, status: d.status, createdAt: d.createdAt, startedAt: d.startedAt, finishedAt: d.finishedAt })),
  };
}

export type ChangeRequestDetail = Awaited<ReturnType<typeof changeRequestDetail>>;

// ---- mutations ----

export type CreateInput = { clusterId: string; title: string; rationale: string; items: ChangeItemRequest[] };

/**
 * A new draft. Owners may only touch (or create) connectors of their teams. Which keys are secret
 * is asked of the cluster (`connect`), never taken from the caller.
 */
export async function createDraft(db: DbOrTx, user: SessionUser, input: CreateInput, connect: ConnectPort): Promise<{ id: string }> {
  const cluster = await loadCluster(db, input.clusterId);
  const items = await resolveItems(db, user, cluster.id, input.items, passwordKeysFromCluster(connect));
  const cr = await createChangeRequest(db, user.id, { clusterId: cluster.id, title: input.title, rationale: input.rationale, items });
  return { id: cr.id };
}

export type UpdateInput = { id: string; title?: string; rationale?: string; items?: ChangeItemRequest[] };

/** Edits title, rationale and/or items: the editor becomes a writer, the revision goes up and standing approvals are dismissed. */
export async function updateDraft(db: DbOrTx, user: SessionUser, input: UpdateInput, connect: ConnectPort): Promise<{ id: string; revision: number }> {
  const cr = await load(db, input.id);
  const facts = await changeFacts(db, cr);
  refuse(changePermissions(user, facts).canEdit, mayWriteCode(user, cr));
  const items = input.items ? await resolveItems(db, user, cr.clusterId, input.items, passwordKeysFromCluster(connect), cr.items) : undefined;
  try {
    const after = await editChangeRequest(db, user.id, cr.id, { title: input.title, rationale: input.rationale, items });
    return { id: after.id, revision: after.revision };
  } catch (err) {
    if (err instanceof DbError && err.code === "INVALID_STATE") throw changedMeanwhile();
    throw err;
  }
}

function mayWriteCode(user: SessionUser, cr: ChangeRequest): "FORBIDDEN" | "PRECONDITION_FAILED" {
  return user.id === cr.authorId || user.role === "admin" ? "PRECONDITION_FAILED" : "FORBIDDEN";
}

function reviewerCode(user: SessionUser, cr: ChangeRequest): "FORBIDDEN" | "PRECONDITION_FAILED" {
  return !hasRoleAtLeast(user, "approver") || cr.writers.some((w) => w.userId === user.id) ? "FORBIDDEN" : "PRECONDITION_FAILED";
}

/** draft → in review. Refused while a name it creates is taken on the cluster. */
export async function submitForReview(db: DbOrTx, user: SessionUser, id: string): Promise<void> {
  const cr = await load(db, id);
  refuse(changePermissions(user, await changeFacts(db, cr)).canSubmit, mayWriteCode(user, cr));
  if (!(await transitionChangeRequest(db, user.id, id, ["draft"], "in_review"))) throw changedMeanwhile();
}

/**
 * Records a review. Approve and reject need the approver role and never come from a writer of any
 * revision; an approval that brings the counting approvals to the cluster's policy approves the
 * change request, a rejection rejects it (and keeps its record).
 */
export async function review(db: DbOrTx, user: SessionUser, id: string, decision: ReviewDecision, comment: string): Promise<{ status: ChangeRequestStatus }> {
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    const p = changePermissions(user, await changeFacts(tx, cr));
    if (decision === "approve") refuse(p.canApprove, reviewerCode(user, cr));
    if (decision === "reject") refuse(p.canReject, reviewerCode(user, cr));
    if (decision === "comment") refuse(p.canComment, "FORBIDDEN");
    await addReview(tx, user.id, id, { decision, comment });
    const after = await load(tx, id);
    if (decision === "approve") {
      const facts = await changeFacts(tx, after);
      if (countingApprovals(facts.approvals, facts.writerIds, after.revision).length >= facts.approvalsRequired) {
        await transitionChangeRequest(tx, user.id, id, ["in_review"], "approved");
      }
    }
    if (decision === "reject") await transitionChangeRequest(tx, user.id, id, ["in_review", "approved"], "rejected", comment, await recordOf(tx, after, "rejected"));
    return { status: (await load(tx, id)).status };
  });
}

/** Cancels a change request that is not deploying or deployed (a failed one included), keeping its record. */
export async function cancel(db: DbOrTx, user: SessionUser, id: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    refuse(changePermissions(user, await changeFacts(tx, cr)).canCancel, mayWriteCode(user, cr));
    const record = recordedItems(cr) ? undefined : await recordOf(tx, cr, "cancelled");
    if (!(await transitionChangeRequest(tx, user.id, id, [cr.status], "cancelled", `cancelled by ${user.name}`, record))) throw changedMeanwhile();
  });
}

/**
 * Re-bases stale items on the connectors' current versions. For config updates this is a three-way
 * merge: keys the author changed keep the author's value, the others take the current value. The
 * revision goes up, the caller becomes a writer and approvals are dismissed; an approved change
 * request goes back to review. Returns the keys both sides changed (the author's value was kept).
 */
export async function refresh(db: DbOrTx, user: SessionUser, id: string): Promise<{ revision: number; conflicts: Array<{ connectorName: string; keys: string[] }> }> {
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    const facts = await changeFacts(tx, cr);
    refuse(changePermissions(user, facts).canRefresh, mayWriteCode(user, cr));
    const deleted = facts.stale.filter((s) => s.deleted);
    if (deleted.length > 0) {
      throw precondition(`Deleted since: ${deleted.map((s) => s.connectorName).join(", ")}. Edit the change request to remove ${deleted.length === 1 ? "it" : "them"}.`);
    }
    const staleIds = new Set(facts.stale.map((s) => s.itemId));
    const conflicts: Array<{ connectorName: string; keys: string[] }> = [];
    const items: ChangeItemInput[] = [];
    for (const item of cr.items) {
      const input = await storedItemInput(tx, item);
      if (!staleIds.has(item.id) || !item.connectorId) {
        items.push(input);
        continue;
      }
      const connector = (await getConnector(tx, item.connectorId)) as Connector;
      if (item.action !== "update") {
        items.push({ ...input, baseVersion: connector.version });
        continue;
      }
      const rebased = await rebaseUpdate(tx, item, input, connector);
      if (rebased.conflicts.length > 0) conflicts.push({ connectorName: item.connectorName, keys: rebased.conflicts });
      items.push(rebased.item);
    }
    if (cr.status === "approved") await transitionChangeRequest(tx, user.id, id, ["approved"], "in_review", "refreshed");
    const after = await editChangeRequest(tx, user.id, id, { items });
    return { revision: after.revision, conflicts };
  });
}

/** A stored item as input again (secrets decrypted), to rewrite the items or compare them with new ones. */
export async function storedItemInput(db: DbOrTx, item: ChangeItem): Promise<ChangeItemInput> {
  const withDefinition = item.action === "create" || item.action === "update";
  return {
    action: item.action,
    connectorId: item.connectorId,
    connectorName: item.connectorName,
    teamId: item.teamId,
    proposedConfig: item.proposedConfig,
    proposedSecrets: withDefinition ? await getChangeItemSecrets(db, item.id) : {},
    proposedState: item.proposedState,
    onlyFailed: item.onlyFailed,
    baseVersion: item.baseVersion,
    payload: item.payload,
  };
}

/** Keys stored as whole secrets (not merely redacted values) of a definition. */
function wholeSecretKeys(d: Definition): string[] {
  return Object.keys(d.secrets).filter((k) => !(k in d.config));
}

async function rebaseUpdate(db: DbOrTx, item: ChangeItem, input: ChangeItemInput, connector: Connector): Promise<{ item: ChangeItemInput; conflicts: string[] }> {
  const base = item.baseVersion === null ? undefined : (await listConnectorRevisions(db, connector.id)).find((r) => r.version === item.baseVersion);
  const baseSecrets = base && item.baseVersion !== null ? ((await getRevisionSecrets(db, connector.id, item.baseVersion)) ?? {}) : null;
  if (!base || !baseSecrets) return { item: { ...input, baseVersion: connector.version }, conflicts: [] };
  const baseDef = { config: base.config, secrets: baseSecrets };
  const mineDef = { config: input.proposedConfig ?? {}, secrets: input.proposedSecrets ?? {} };
  const theirsDef = { config: connector.config, secrets: await getConnectorSecrets(db, connector.id) };
  const [baseAll, mine, theirs] = [rawConfig(baseDef), rawConfig(mineDef), rawConfig(theirsDef)];
  const merged: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const key of new Set([...Object.keys(baseAll), ...Object.keys(mine), ...Object.keys(theirs)])) {
    const authorChanged = mine[key] !== baseAll[key];
    const value = authorChanged ? mine[key] : theirs[key];
    if (authorChanged && theirs[key] !== baseAll[key] && theirs[key] !== mine[key]) conflicts.push(key);
    if (value !== undefined) merged[key] = value;
  }
  const { config, secrets } = splitSecrets(merged, [...wholeSecretKeys(mineDef), ...wholeSecretKeys(theirsDef), ...wholeSecretKeys(baseDef)]);
  const name = item.connectorName === base.name ? connector.name : item.connectorName;
  const state = item.proposedState === base.desiredState ? connector.desiredState : item.proposedState;
  return { item: { ...input, connectorName: name, proposedConfig: config, proposedSecrets: secrets, proposedState: state, baseVersion: connector.version }, conflicts: conflicts.sort() };
}

/**
 * Starts a deploy: refuses (with the reason) unless approved by policy, up to date and free of name
 * clashes; otherwise, in one transaction, moves the change request to deploying and keeps its
 * record, creates the queued deployment with what was approved and by whom, and enqueues the
 * worker's job (one per cluster at a time through its lock key). The worker checks it all again
 * when it claims the job.
 */
export async function deploy(db: DbOrTx, user: SessionUser, id: string, connect?: ConnectPort, connectFor?: ConnectFactory): Promise<{ deploymentId: string; jobId: string }> {
  return startDeploy(db, user, id, "deploy", connect, connectFor);
}

/** Deploys a failed change request again (a new deployment), under the same rules as a first deploy. */
export async function retryDeploy(db: DbOrTx, user: SessionUser, id: string, connect?: ConnectPort, connectFor?: ConnectFactory): Promise<{ deploymentId: string; jobId: string }> {
  return startDeploy(db, user, id, "retry", connect, connectFor);
}

/**
 * With a client for the cluster, a deploy whose live plan has conflicts (a name held by a connector
 * Switchboard does not manage or another manager's, a version that moved) is refused now rather than
 * queued to fail; so is a move whose name is taken on its target cluster (with `connectFor`). A
 * cluster that does not answer leaves the decision to the worker.
 */
async function refuseLiveConflicts(db: DbOrTx, id: string, connect: ConnectPort | undefined, connectFor: ConnectFactory | undefined): Promise<void> {
  if (!connect) return;
  let conflicts: string[];
  try {
    const { plan } = await planDeploy(await buildDeployInput(db, id), connect);
    conflicts = await describeConflicts(db, plan.conflicts);
  } catch (err) {
    if (err instanceof ConnectError) return;
    throw err;
  }
  if (connectFor) conflicts.push(...(await moveLiveConflicts(db, await load(db, id), connectFor)).conflicts);
  if (conflicts.length > 0) throw precondition(`Nothing was queued: ${conflicts.join(" ")}`);
}

async function startDeploy(db: DbOrTx, user: SessionUser, id: string, mode: "deploy" | "retry", connect?: ConnectPort, connectFor?: ConnectFactory): Promise<{ deploymentId: string; jobId: string }> {
  const before = await load(db, id);
  const p = changePermissions(user, await changeFacts(db, before));
  if ((mode === "deploy" ? p.canDeploy : p.canRetry).allowed) await refuseLiveConflicts(db, id, connect, connectFor);
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    const facts = await changeFacts(tx, cr);
    const p = changePermissions(user, facts);
    const mayDeploy = user.id === cr.authorId || hasRoleAtLeast(user, "approver");
    refuse(mode === "deploy" ? p.canDeploy : p.canRetry, mayDeploy ? "PRECONDITION_FAILED" : "FORBIDDEN");
    const record = recordedItems(cr) ? undefined : await recordOf(tx, cr, "deploying");
    if (!(await transitionChangeRequest(tx, user.id, id, [cr.status], "deploying", undefined, record))) throw changedMeanwhile();
    const counted = new Set(countingApprovals(facts.approvals, facts.writerIds, cr.revision));
    const snapshot = {
      changeRequestId: cr.id,
      title: cr.title,
      revision: cr.revision,
      requestedBy: { id: user.id, name: user.name, email: user.email },
      writers: cr.writers.map((w) => ({ name: w.user.name, email: w.user.email })),
      approvals: cr.reviews
        .filter((r) => r.decision === "approve" && counted.has(r.reviewerId) && r.dismissedAt === null && r.crRevision === cr.revision)
        .map((r) => ({ reviewer: { name: r.reviewer.name, email: r.reviewer.email }, comment: r.comment, at: r.createdAt })),
      items: (record?.items ?? recordedItems(cr) ?? []).map((i) => ({ action: i.action, connectorName: i.connectorName, previousName: i.previousName, team: i.team?.name ?? null, stateChange: i.stateChange, diff: i.diff.filter((d) => d.status !== "unchanged") })),
    };
    const deployment = await createDeployment(tx, user.id, { changeRequestId: cr.id, clusterId: cr.clusterId, plan: snapshot });
    const job = await enqueueJob(tx, deployJob(deployment.id, cr.clusterId));
    return { deploymentId: deployment.id, jobId: job.id };
  });
}

/**
 * Why a queued deploy must not run now, or null: checked by the worker when it claims the job, so
 * nothing the queue holds is trusted. The change request must still be deploying, its approvals
 * must meet the cluster's policy as it is now (approvers still enabled and still approvers, none of
 * them a writer), no item may be stale, and no name it creates may be taken.
 */
export async function deployRefusal(db: DbOrTx, changeRequestId: string): Promise<string | null> {
  const cr = await getChangeRequest(db, changeRequestId);
  if (!cr) return "the change request no longer exists";
  if (cr.status !== "deploying" && cr.status !== "approved") return `the change request is ${describeStatus(cr.status)}, not deploying`;
  const facts = await changeFacts(db, { ...cr, status: "approved" });
  const approvals = countingApprovals(facts.approvals, facts.writerIds, cr.revision).length;
  if (approvals < facts.approvalsRequired) {
    return `it has ${approvals} of ${facts.approvalsRequired} required approvals from enabled approvers who did not write it (the policy or the approvers changed since it was queued)`;
  }
  if (facts.staleCount > 0) {
    return `stale: ${facts.stale.map((s) => (s.deleted ? `${s.connectorName} was deleted` : `${s.connectorName} was written against version ${s.baseVersion} but is now at version ${s.currentVersion}`)).join("; ")}; refresh the change request`;
  }
  if (facts.clashes.length > 0) return facts.clashes.join(" ");
  return null;
}

// ---- preview ----

export type ValidationProblem = { connector: string | null; key: string | null; message: string };

export type Risk = { connector: string | null; code: PlanWarning["code"] | "DELETE" | "DELETE_TOPIC"; message: string };

export type Preview =
  | {
      ok: true;
      source: "live" | "record";
      plan: PlanJson | null;
      problems: ValidationProblem[];
      risks: Risk[];
      conflicts: string[];
      valid: boolean;
      moves?: MoveView[];
      offsets?: OffsetPreview[];
      /** A change with topic items, planned live: each item's topic against Kafka, or why Kafka was not read. */
      topics?: TopicPreview;
    }
  | { ok: false; reason: "unreachable" | "invalid"; message: string };

const PROBLEM = /^connector "(.+?)": ([A-Za-z0-9._-]+): ([\s\S]*)$/;

/** A cluster validator problem with the config key it is about, when it names one. */
export function keyedProblem(p: Problem): ValidationProblem {
  const m = PROBLEM.exec(p.message);
  if (m) return { connector: m[1] ?? null, key: m[2] ?? null, message: m[3] ?? p.message };
  const aboutClass = p.message.startsWith("unknown connector class");
  return { connector: p.connector ?? null, key: aboutClass ? "connector.class" : null, message: p.hint ? `${p.message} (${p.hint})` : p.message };
}

function risksOf(plan: PlanJson): Risk[] {
  const deletes: Risk[] = plan.actions.flatMap((a) =>
    a.kind === "delete" && !a.reason.startsWith("renamed")
      ? [{ connector: a.name, code: "DELETE" as const, message: `deletes connector ${a.name} from the cluster; its tasks stop and a later connector with this name starts without its offsets` }]
      : [],
  );
  const topicDeletes: Risk[] = plan.topicsToDelete.map((name) => ({
    connector: null,
    code: "DELETE_TOPIC" as const,
    message: `deletes topic ${name} and every record in it: the data is lost and cannot be brought back`,
  }));
  return [...plan.warnings.map((w) => ({ connector: w.connector ?? null, code: w.code, message: w.message })), ...deletes, ...topicDeletes];
}

/**
 * The plan a deploy would run now (restricted to this change's connectors, secrets masked), the
 * cluster validator's verdict per connector, conflicts in words, and the risks. An ended change
 * request answers with the plan its last deployment ran, never a new one. An unreachable cluster is
 * an answer (`ok: false`), not an error. Moves are listed with both clusters; with `connectFor` each
 * target cluster is read, and a name taken there (or a target that does not answer) is a conflict.
 * With `topicsFor`, a change with topic items reads the cluster's topics (an existing topic is left
 * alone by a creation, a missing one has nothing to delete); Kafka that cannot be read is said, not a failure.
 */
export async function preview(db: DbOrTx, id: string, connect: ConnectPort, connectFor?: ConnectFactory, topicsFor?: TopicFactory): Promise<Preview> {
  const cr = await load(db, id);
  const moves = await moveViews(db, cr);
  if (!OPEN_STATUSES.includes(cr.status)) {
    const last = (await listDeployments(db, { changeRequestId: id, pageSize: 1 }))[0];
    const report = last?.report as DeploymentReport | null | undefined;
    const plan = report?.plan ?? null;
    return { ok: true, source: "record", plan, problems: [], risks: plan ? risksOf(plan) : [], conflicts: [], valid: true, moves, offsets: recordedOffsets(report?.offsets) };
  }
  try {
    const input = await buildDeployInput(db, id);
    const hasTopicItems = input.topics.create.length > 0 || input.topics.delete.length > 0;
    const topics = hasTopicItems && topicsFor ? await previewTopics(await loadCluster(db, cr.clusterId), cr.items, topicsFor) : null;
    const { plan, secretKeys, problems } = await planDeploy(input, connect, topics?.port);
    const json = redactDeep(planToJson(plan, { secretKeys }), input.secretValues);
    const validation = redactDeep(problems.map(keyedProblem), input.secretValues);
    const conflicts = await describeConflicts(db, plan.conflicts);
    if (connectFor) {
      const live = await moveLiveConflicts(db, cr, connectFor);
      conflicts.push(...live.conflicts, ...live.unreachable);
    }
    const offsets = await previewOffsets(db, cr.items, connect);
    const checked = topics ? { topics: topics.preview } : {};
    return { ok: true, source: "live", plan: json, problems: validation, risks: risksOf(json), conflicts, valid: validation.length === 0 && conflicts.length === 0, moves, offsets, ...checked };
  } catch (err) {
    if (err instanceof ConnectError) return { ok: false, reason: "unreachable", message: `The cluster could not be read: ${err.message}` };
    if (err instanceof DomainError && err.code === "PRECONDITION_FAILED") return { ok: false, reason: "invalid", message: err.message };
    throw err;
  }
}

// ---- inline validation ----

export type ValidateResult =
  | { reachable: true; valid: boolean; errors: Record<string, string[]>; general: string[]; passwordKeys: string[] }
  | { reachable: false; message: string };

/**
 * The cluster's own validator on one connector config (for forms), errors by key, and the keys it
 * types as PASSWORD. Messages are redacted: a validator may echo a value.
 */
export async function validateConfig(connect: ConnectPort, input: { connectorClass: string; config: Record<string, string>; name?: string }): Promise<ValidateResult> {
  const name = input.name?.trim() || "new-connector";
  const { name: _name, ...config } = input.config;
  const full = { ...config, "connector.class": input.connectorClass };
  let result: Awaited<ReturnType<typeof validateAgainstCluster>>;
  try {
    result = await validateAgainstCluster({ connectors: [{ id: "validate", name, state: "RUNNING", config: full }] }, connect);
  } catch (err) {
    if (err instanceof ConnectError) return { reachable: false, message: `Cluster unreachable: ${err.message}` };
    throw err;
  }
  if (result.problems.some((p) => p.message.startsWith("cannot list the cluster's connector plugins"))) {
    return { reachable: false, message: `Cluster unreachable: ${result.problems[0]?.message ?? "no answer"}` };
  }
  const passwordKeys = result.secretKeys[name] ?? [];
  const errors: Record<string, string[]> = {};
  const general: string[] = [];
  for (const p of redactDeep(result.problems.map(keyedProblem), secretValuesOf(full, passwordKeys))) {
    if (p.key) errors[p.key] = [...(errors[p.key] ?? []), p.message];
    if (!p.key || p.key === "connector.class") general.push(p.message);
  }
  return { reachable: true, valid: result.problems.length === 0, errors, general, passwordKeys };
}
