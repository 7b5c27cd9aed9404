/**
 * Change request use cases: the lifecycle rules (who may do what in which status), the review page's
 * view model, the preview against the live cluster and the deploy hand-off to the worker.
 */
import { TRPCError } from "@trpc/server";
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import type { ChangeRequestStatus, DesiredState, ReviewDecision } from "@switchboard/db/enums";
import { DbError } from "@switchboard/db/errors";
import {
  addReview,
  countApprovals,
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
import { ConnectError, type ConnectPort } from "@switchboard/engine/port";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";
import { planChange } from "../desired";
import { hasRoleAtLeast, type SessionUser } from "../trpc";
import { diffDefinitions, maskedConfig, resolveItems, splitSecrets, storedDefinition, type ChangeItemRequest, type Definition, type DiffRow } from "./change-items";

export type Permission = { allowed: boolean; reason: string | null };

export type Permissions = {
  canEdit: Permission;
  canSubmit: Permission;
  canApprove: Permission;
  canReject: Permission;
  canComment: Permission;
  canDeploy: Permission;
  canCancel: Permission;
  canRefresh: Permission;
};

const EDITABLE: ChangeRequestStatus[] = ["draft", "in_review"];
const CANCELLABLE: ChangeRequestStatus[] = ["draft", "in_review", "approved", "rejected"];
const REFRESHABLE: ChangeRequestStatus[] = ["draft", "in_review", "approved"];

const allow: Permission = { allowed: true, reason: null };
const deny = (reason: string): Permission => ({ allowed: false, reason });

const STATUS_WORD: Record<ChangeRequestStatus, string> = {
  draft: "a draft",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  deploying: "deploying",
  deployed: "deployed",
  failed: "failed",
  cancelled: "cancelled",
};

type PermissionFacts = {
  status: ChangeRequestStatus;
  authorId: string;
  itemCount: number;
  approvals: number;
  approvalsRequired: number;
  staleCount: number;
  /** The caller approved the current revision already. */
  approvedByMe: boolean;
};

/** Why a deploy is not possible now, or null when it is. */
export function deployBlocker(f: Pick<PermissionFacts, "status" | "approvals" | "approvalsRequired" | "staleCount">): string | null {
  const openWithoutPolicy = f.status === "in_review" && f.approvalsRequired === 0;
  if (f.status !== "approved" && !openWithoutPolicy) return `The change request is ${STATUS_WORD[f.status]}; only approved change requests deploy.`;
  if (f.staleCount > 0) return `${f.staleCount} ${f.staleCount === 1 ? "item was" : "items were"} written against an older connector version; refresh first.`;
  if (f.approvals < f.approvalsRequired) return `It has ${f.approvals} of ${f.approvalsRequired} required approvals.`;
  return null;
}

/** What the caller may do with a change request, with the reason when not. The API enforces the same rules. */
export function permissionsFor(user: SessionUser, f: PermissionFacts): Permissions {
  const isAuthor = user.id === f.authorId;
  const isAdmin = user.role === "admin";
  const isApprover = hasRoleAtLeast(user, "approver");
  const writer = isAuthor || isAdmin;
  const notWriter = deny("Only the author or an admin can do this.");
  const reviewerCheck = (what: string): Permission | null =>
    !isApprover ? deny(`Only approvers can ${what}.`) : isAuthor ? deny(`Authors cannot ${what} their own change request.`) : null;

  const deployReason = deployBlocker(f);
  return {
    canEdit: !writer ? notWriter : EDITABLE.includes(f.status) ? allow : deny(`It is ${STATUS_WORD[f.status]}; only drafts and change requests in review can be edited.`),
    canSubmit: !writer ? notWriter : f.status !== "draft" ? deny("Only drafts are submitted for review.") : f.itemCount === 0 ? deny("Add at least one change first.") : allow,
    canApprove:
      reviewerCheck("approve") ??
      (f.status !== "in_review" ? deny(`It is ${STATUS_WORD[f.status]}; only change requests in review are approved.`) : f.approvedByMe ? deny("You approved this revision already.") : allow),
    canReject: reviewerCheck("reject") ?? (f.status === "in_review" || f.status === "approved" ? allow : deny(`It is ${STATUS_WORD[f.status]}.`)),
    canComment: hasRoleAtLeast(user, "owner") ? allow : deny("Viewers cannot comment."),
    canDeploy: !(isAuthor || isApprover) ? deny("Only the author, an approver or an admin can deploy.") : deployReason ? deny(deployReason) : allow,
    canCancel: !writer ? notWriter : CANCELLABLE.includes(f.status) ? allow : deny(`It is ${STATUS_WORD[f.status]}; it can no longer be cancelled.`),
    canRefresh: !writer ? notWriter : !REFRESHABLE.includes(f.status) ? deny(`It is ${STATUS_WORD[f.status]}.`) : f.staleCount === 0 ? deny("Every item is based on the current connector versions.") : allow,
  };
}

function refuse(p: Permission, code: "FORBIDDEN" | "PRECONDITION_FAILED" = "PRECONDITION_FAILED"): void {
  if (!p.allowed) throw new TRPCError({ code, message: p.reason ?? "Not allowed." });
}

async function load(db: DbOrTx, id: string): Promise<ChangeRequest> {
  const cr = await getChangeRequest(db, id);
  if (!cr) throw new TRPCError({ code: "NOT_FOUND", message: "No such change request." });
  return cr;
}

async function loadCluster(db: DbOrTx, id: string): Promise<Cluster> {
  const cluster = await getCluster(db, id);
  if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "No such cluster." });
  return cluster;
}

async function factsOf(db: DbOrTx, user: SessionUser, cr: ChangeRequest): Promise<PermissionFacts & { stale: StaleItem[] }> {
  const [approvals, stale] = await Promise.all([countApprovals(db, cr.id), findStaleItems(db, cr.id)]);
  return {
    status: cr.status,
    authorId: cr.authorId,
    itemCount: cr.items.length,
    approvals,
    approvalsRequired: cr.cluster.approvalsRequired,
    staleCount: stale.length,
    stale,
    approvedByMe: cr.reviews.some((r) => r.reviewerId === user.id && r.decision === "approve" && r.dismissedAt === null && r.crRevision === cr.revision),
  };
}

/** Throws FORBIDDEN unless the caller wrote the change request or is an admin. */
function assertWriter(user: SessionUser, cr: ChangeRequest): void {
  if (user.id !== cr.authorId && user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only the author or an admin can do this." });
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
  /** Proposed config with secrets as "(sensitive)" (create/update), for the editor. */
  proposedConfig: Record<string, string> | null;
  secretKeys: string[];
  diff: DiffRow[];
  baseVersion: number | null;
  currentVersion: number | null;
  stale: boolean;
  connectorDeleted: boolean;
};

async function itemView(db: DbOrTx, item: ChangeItem, stale: StaleItem[], teams: Map<string, string>): Promise<ItemView> {
  const connector = item.connectorId ? await getConnector(db, item.connectorId) : null;
  const current = connector && !connector.deletedAt ? await storedDefinition(db, connector) : null;
  const proposedSecrets = item.action === "create" || item.action === "update" ? await getChangeItemSecrets(db, item.id) : {};
  const proposed: Definition | null =
    item.action === "create" || item.action === "update" ? { config: item.proposedConfig ?? {}, secrets: proposedSecrets } : item.action === "delete" ? null : current;
  const stateBefore = connector && !connector.deletedAt ? connector.desiredState : null;
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
    proposedConfig: item.proposedConfig ? maskedConfig(item.proposedConfig, item.proposedSecretKeys) : null,
    secretKeys: item.proposedSecretKeys,
    diff: diffDefinitions(current, proposed),
    baseVersion: item.baseVersion,
    currentVersion: connector?.version ?? null,
    stale: staleEntry !== undefined,
    connectorDeleted: staleEntry?.deleted ?? false,
  };
}

/** The review page's view of a change request: items with diffs, reviews, approvals, permissions, deployments. */
export async function changeRequestDetail(db: DbOrTx, user: SessionUser, id: string) {
  const cr = await load(db, id);
  const [facts, teams, deployments] = await Promise.all([factsOf(db, user, cr), listTeams(db), listDeployments(db, { changeRequestId: id })]);
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  const items: ItemView[] = [];
  for (const item of cr.items) items.push(await itemView(db, item, facts.stale, teamNames));
  return {
    id: cr.id,
    title: cr.title,
    rationale: cr.rationale,
    status: cr.status,
    revision: cr.revision,
    createdAt: cr.createdAt,
    updatedAt: cr.updatedAt,
    submittedAt: cr.submittedAt,
    decidedAt: cr.decidedAt,
    deployedAt: cr.deployedAt,
    author: cr.author,
    cluster: cr.cluster,
    items,
    stale: facts.stale.map((s) => ({ itemId: s.itemId, connectorName: s.connectorName, baseVersion: s.baseVersion, currentVersion: s.currentVersion, deleted: s.deleted })),
    reviews: cr.reviews.map((r) => ({
      id: r.id,
      reviewer: r.reviewer,
      decision: r.decision,
      comment: r.comment,
      revision: r.crRevision,
      createdAt: r.createdAt,
      dismissed: r.dismissedAt !== null || (r.decision === "approve" && r.crRevision !== cr.revision),
    })),
    approvals: { count: facts.approvals, required: cr.cluster.approvalsRequired },
    permissions: permissionsFor(user, facts),
    deployments: deployments.map((d) => ({ id: d.id, status: d.status, createdAt: d.createdAt, startedAt: d.startedAt, finishedAt: d.finishedAt })),
  };
}

export type ChangeRequestDetail = Awaited<ReturnType<typeof changeRequestDetail>>;

// ---- mutations ----

export type CreateInput = { clusterId: string; title: string; rationale: string; items: ChangeItemRequest[] };

/** A new draft. Owners may only touch (or create) connectors of their teams. */
export async function createDraft(db: DbOrTx, user: SessionUser, input: CreateInput): Promise<{ id: string }> {
  const cluster = await loadCluster(db, input.clusterId);
  const items = await resolveItems(db, user, cluster.id, input.items);
  const cr = await createChangeRequest(db, user.id, { clusterId: cluster.id, title: input.title, rationale: input.rationale, items });
  return { id: cr.id };
}

export type UpdateInput = { id: string; title?: string; rationale?: string; items?: ChangeItemRequest[] };

/** Edits title, rationale and/or items: the revision goes up and standing approvals are dismissed. */
export async function updateDraft(db: DbOrTx, user: SessionUser, input: UpdateInput): Promise<{ id: string; revision: number }> {
  const cr = await load(db, input.id);
  assertWriter(user, cr);
  if (!EDITABLE.includes(cr.status)) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `It is ${STATUS_WORD[cr.status]}; only drafts and change requests in review can be edited.` });
  const items = input.items ? await resolveItems(db, user, cr.clusterId, input.items, cr.items) : undefined;
  const after = await editChangeRequest(db, user.id, cr.id, { title: input.title, rationale: input.rationale, items });
  return { id: after.id, revision: after.revision };
}

/** draft → in review. */
export async function submitForReview(db: DbOrTx, user: SessionUser, id: string): Promise<void> {
  const cr = await load(db, id);
  refuse(permissionsFor(user, await factsOf(db, user, cr)).canSubmit, user.id === cr.authorId || user.role === "admin" ? "PRECONDITION_FAILED" : "FORBIDDEN");
  if (!(await transitionChangeRequest(db, user.id, id, ["draft"], "in_review"))) throw changedMeanwhile();
}

/**
 * Records a review. Approve and reject need the approver role and never come from the author; an
 * approval that meets the cluster's policy approves the change request, a rejection rejects it.
 */
export async function review(db: DbOrTx, user: SessionUser, id: string, decision: ReviewDecision, comment: string): Promise<{ status: ChangeRequestStatus }> {
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    const p = permissionsFor(user, await factsOf(tx, user, cr));
    if (decision === "approve") refuse(p.canApprove, !hasRoleAtLeast(user, "approver") || user.id === cr.authorId ? "FORBIDDEN" : "PRECONDITION_FAILED");
    if (decision === "reject") refuse(p.canReject, !hasRoleAtLeast(user, "approver") || user.id === cr.authorId ? "FORBIDDEN" : "PRECONDITION_FAILED");
    if (decision === "comment") refuse(p.canComment, "FORBIDDEN");
    await addReview(tx, user.id, id, { decision, comment });
    if (decision === "approve" && (await countApprovals(tx, id)) >= cr.cluster.approvalsRequired) {
      await transitionChangeRequest(tx, user.id, id, ["in_review"], "approved");
    }
    if (decision === "reject") await transitionChangeRequest(tx, user.id, id, ["in_review", "approved"], "rejected", comment);
    return { status: (await load(tx, id)).status };
  });
}

/** Cancels a change request that has not started deploying. */
export async function cancel(db: DbOrTx, user: SessionUser, id: string): Promise<void> {
  const cr = await load(db, id);
  assertWriter(user, cr);
  refuse(permissionsFor(user, await factsOf(db, user, cr)).canCancel);
  if (!(await transitionChangeRequest(db, user.id, id, CANCELLABLE, "cancelled"))) throw changedMeanwhile();
}

/**
 * Re-bases stale items on the connectors' current versions. For config updates this is a three-way
 * merge: keys the author changed keep the author's value, the others take the current value. The
 * revision goes up and approvals are dismissed; an approved change request goes back to review.
 * Returns the keys both sides changed (the author's value was kept).
 */
export async function refresh(db: DbOrTx, user: SessionUser, id: string): Promise<{ revision: number; conflicts: Array<{ connectorName: string; keys: string[] }> }> {
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    assertWriter(user, cr);
    const facts = await factsOf(tx, user, cr);
    refuse(permissionsFor(user, facts).canRefresh);
    const deleted = facts.stale.filter((s) => s.deleted);
    if (deleted.length > 0) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: `Deleted since: ${deleted.map((s) => s.connectorName).join(", ")}. Edit the change request to remove ${deleted.length === 1 ? "it" : "them"}.` });
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

/** A stored item as input again (secrets decrypted), to rewrite the items. */
async function storedItemInput(db: DbOrTx, item: ChangeItem): Promise<ChangeItemInput> {
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
  };
}

async function rebaseUpdate(db: DbOrTx, item: ChangeItem, input: ChangeItemInput, connector: Connector): Promise<{ item: ChangeItemInput; conflicts: string[] }> {
  const base = item.baseVersion === null ? undefined : (await listConnectorRevisions(db, connector.id)).find((r) => r.version === item.baseVersion);
  const baseSecrets = base && item.baseVersion !== null ? ((await getRevisionSecrets(db, connector.id, item.baseVersion)) ?? {}) : null;
  if (!base || !baseSecrets) return { item: { ...input, baseVersion: connector.version }, conflicts: [] };
  const baseAll: Record<string, string> = { ...base.config, ...baseSecrets };
  const mine: Record<string, string> = { ...input.proposedConfig, ...input.proposedSecrets };
  const theirs: Record<string, string> = { ...connector.config, ...(await getConnectorSecrets(db, connector.id)) };
  const merged: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const key of new Set([...Object.keys(baseAll), ...Object.keys(mine), ...Object.keys(theirs)])) {
    const authorChanged = mine[key] !== baseAll[key];
    const value = authorChanged ? mine[key] : theirs[key];
    if (authorChanged && theirs[key] !== baseAll[key] && theirs[key] !== mine[key]) conflicts.push(key);
    if (value !== undefined) merged[key] = value;
  }
  const { config, secrets } = splitSecrets(merged, [...item.proposedSecretKeys, ...connector.secretKeys, ...base.secretKeys]);
  const name = item.connectorName === base.name ? connector.name : item.connectorName;
  const state = item.proposedState === base.desiredState ? connector.desiredState : item.proposedState;
  return { item: { ...input, connectorName: name, proposedConfig: config, proposedSecrets: secrets, proposedState: state, baseVersion: connector.version }, conflicts: conflicts.sort() };
}

/**
 * Starts a deploy: refuses (PRECONDITION_FAILED, with the reason) unless approved by policy and up to
 * date; otherwise, in one transaction, moves the change request to deploying, creates the queued
 * deployment with what was approved and by whom, and enqueues the worker's job (one per cluster at
 * a time through its lock key).
 */
export async function deploy(db: DbOrTx, user: SessionUser, id: string): Promise<{ deploymentId: string; jobId: string }> {
  return inTransaction(db, async (tx) => {
    const cr = await load(tx, id);
    const facts = await factsOf(tx, user, cr);
    const p = permissionsFor(user, facts).canDeploy;
    const mayDeploy = user.id === cr.authorId || hasRoleAtLeast(user, "approver");
    refuse(p, mayDeploy ? "PRECONDITION_FAILED" : "FORBIDDEN");
    if (!(await transitionChangeRequest(tx, user.id, id, [cr.status], "deploying"))) throw changedMeanwhile();
    const teams = new Map((await listTeams(tx)).map((t) => [t.id, t.name]));
    const items: ItemView[] = [];
    for (const item of cr.items) items.push(await itemView(tx, item, [], teams));
    const snapshot = {
      changeRequestId: cr.id,
      title: cr.title,
      revision: cr.revision,
      requestedBy: { id: user.id, name: user.name, email: user.email },
      approvals: cr.reviews
        .filter((r) => r.decision === "approve" && r.dismissedAt === null && r.crRevision === cr.revision)
        .map((r) => ({ reviewer: r.reviewer, comment: r.comment, at: r.createdAt })),
      items: items.map((i) => ({ action: i.action, connectorName: i.connectorName, previousName: i.previousName, team: i.team?.name ?? null, stateChange: i.stateChange, diff: i.diff.filter((d) => d.status !== "unchanged") })),
    };
    const deployment = await createDeployment(tx, user.id, { changeRequestId: cr.id, clusterId: cr.clusterId, plan: snapshot });
    const job = await enqueueJob(tx, { kind: "deploy", payload: { deploymentId: deployment.id, changeRequestId: cr.id }, lockKey: `deploy:${cr.clusterId}` });
    return { deploymentId: deployment.id, jobId: job.id };
  });
}

function changedMeanwhile(): TRPCError {
  return new TRPCError({ code: "CONFLICT", message: "The change request changed meanwhile; reload and try again." });
}

// ---- preview ----

export type ValidationProblem = { connector: string | null; key: string | null; message: string };

export type Risk = { connector: string | null; code: PlanWarning["code"] | "DELETE"; message: string };

export type Preview =
  | { ok: true; plan: PlanJson; problems: ValidationProblem[]; risks: Risk[]; valid: boolean }
  | { ok: false; reason: "unreachable" | "invalid"; message: string };

const PROBLEM = /^connector "(.+?)": ([A-Za-z0-9._-]+): ([\s\S]*)$/;

/** A cluster validator problem with the config key it is about, when it names one. */
export function keyedProblem(p: Problem): ValidationProblem {
  const m = PROBLEM.exec(p.message);
  if (m) return { connector: m[1] ?? null, key: m[2] ?? null, message: m[3] ?? p.message };
  const aboutClass = p.message.startsWith("unknown connector class");
  return { connector: p.connector ?? null, key: aboutClass ? "connector.class" : null, message: p.hint ? `${p.message} (${p.hint})` : p.message };
}

/**
 * The plan the deploy would run now (restricted to this change's connectors, secrets masked), the
 * cluster validator's verdict per connector, and the risks. An unreachable cluster is an answer
 * (`ok: false`), not an error.
 */
export async function preview(db: DbOrTx, id: string, connect: ConnectPort): Promise<Preview> {
  await load(db, id);
  try {
    const { plan, secretKeys, validation } = await planChange(db, id, connect);
    const json = planToJson(plan, { secretKeys });
    const problems = validation.map(keyedProblem);
    const deletes: Risk[] = plan.actions.flatMap((a) =>
      a.kind === "delete" && !a.reason.startsWith("renamed")
        ? [{ connector: a.name, code: "DELETE" as const, message: `deletes connector ${a.name} from the cluster; its tasks stop and a later connector with this name starts without its offsets` }]
        : [],
    );
    return { ok: true, plan: json, problems, risks: [...json.warnings.map((w) => ({ connector: w.connector ?? null, code: w.code, message: w.message })), ...deletes], valid: problems.length === 0 };
  } catch (err) {
    if (err instanceof ConnectError) return { ok: false, reason: "unreachable", message: `The cluster could not be read: ${err.message}` };
    if (err instanceof TRPCError) throw err;
    if (err instanceof DbError) return { ok: false, reason: "invalid", message: err.message };
    throw err;
  }
}

// ---- inline validation ----

export type ValidateResult =
  | { reachable: true; valid: boolean; errors: Record<string, string[]>; general: string[]; passwordKeys: string[] }
  | { reachable: false; message: string };

/** The cluster's own validator on one connector config, errors by key, and the keys it types as PASSWORD. */
export async function validateConfig(connect: ConnectPort, input: { connectorClass: string; config: Record<string, string>; name?: string }): Promise<ValidateResult> {
  let plugins: Awaited<ReturnType<ConnectPort["listPlugins"]>>;
  try {
    plugins = await connect.listPlugins();
  } catch (err) {
    if (err instanceof ConnectError) return { reachable: false, message: `Cluster unreachable: ${err.message}` };
    throw err;
  }
  const name = input.name?.trim() || "new-connector";
  const { name: _name, ...config } = input.config;
  const result = await validateAgainstCluster(
    { connectors: [{ id: "validate", name, state: "RUNNING", config: { ...config, "connector.class": input.connectorClass } }] },
    { ...connect, listPlugins: async () => plugins },
  );
  const errors: Record<string, string[]> = {};
  const general: string[] = [];
  for (const p of result.problems.map(keyedProblem)) {
    if (p.key) errors[p.key] = [...(errors[p.key] ?? []), p.message];
    if (!p.key || p.key === "connector.class") general.push(p.message);
  }
  return { reachable: true, valid: result.problems.length === 0, errors, general, passwordKeys: result.secretKeys[name] ?? [] };
}
