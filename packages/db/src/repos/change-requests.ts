/**
 * Change requests (RFCs), their items and reviews. Lifecycle rules (who may do what when) live in the
 * API; this file gives it atomic building blocks: guarded status transitions, edits that bump the
 * revision and dismiss approvals, approval counting and staleness detection.
 */
import { z } from "zod";
import type { DbOrTx, Tx } from "../client";
import type { ChangeAction, ChangeRequestStatus, DesiredState, ReviewDecision } from "../enums";
import { DbError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { decryptSecrets, encryptSecrets } from "../secrets";
import { withAudit } from "./audit";

export const changeItemSelect = {
  id: true,
  position: true,
  action: true,
  connectorId: true,
  connectorName: true,
  teamId: true,
  proposedConfigJson: true,
  proposedSecretKeysJson: true,
  proposedState: true,
  onlyFailed: true,
  baseVersion: true,
  payloadJson: true,
} as const satisfies Prisma.ChangeItemSelect;

export const reviewSelect = {
  id: true,
  reviewerId: true,
  decision: true,
  comment: true,
  crRevision: true,
  dismissedAt: true,
  createdAt: true,
  reviewer: { select: { id: true, name: true, email: true, role: true, disabled: true } },
} as const satisfies Prisma.ReviewSelect;

export const changeRequestSelect = {
  id: true,
  authorId: true,
  clusterId: true,
  title: true,
  rationale: true,
  status: true,
  revision: true,
  createdAt: true,
  updatedAt: true,
  submittedAt: true,
  decidedAt: true,
  deployedAt: true,
  statusNote: true,
  author: { select: { id: true, name: true, email: true } },
  cluster: { select: { id: true, name: true, environment: true, approvalsRequired: true } },
} as const satisfies Prisma.ChangeRequestSelect;

export const writerSelect = {
  userId: true,
  firstRevision: true,
  lastRevision: true,
  user: { select: { id: true, name: true, email: true } },
} as const satisfies Prisma.ChangeRequestWriterSelect;

export type ChangeItem = {
  id: string;
  position: number;
  action: ChangeAction;
  connectorId: string | null;
  connectorName: string;
  teamId: string | null;
  /** Proposed non-secret config (create/update); null otherwise. */
  proposedConfig: Record<string, string> | null;
  /** Names of the proposed secret keys; values are never returned. */
  proposedSecretKeys: string[];
  proposedState: DesiredState | null;
  onlyFailed: boolean;
  baseVersion: number | null;
  /** Action-specific data (offsets to set, a move's target cluster, a topic spec, a rollback's source), parsed JSON; null when none. Each action's module validates its own shape. */
  payload: unknown;
};

export type Review = Prisma.ReviewGetPayload<{ select: typeof reviewSelect }>;
export type Writer = Prisma.ChangeRequestWriterGetPayload<{ select: typeof writerSelect }>;
export type ChangeRequestSummary = Prisma.ChangeRequestGetPayload<{ select: typeof changeRequestSelect }>;
export type ChangeRequest = ChangeRequestSummary & {
  items: ChangeItem[];
  reviews: Review[];
  /** Everyone who wrote a revision, the author first. */
  writers: Writer[];
  /** The record stored when it ended (see transitionChangeRequest); null while open. */
  record: unknown;
  /** How the deploy applies it ({concurrency, ratePerSecond, haltAfterFailures}), parsed JSON; null for the engine's defaults. The domain validates its shape. */
  applyOptions: unknown;
};

const configSchema = z.record(z.string(), z.string());
const keysSchema = z.array(z.string());

type ItemRow = Prisma.ChangeItemGetPayload<{ select: typeof changeItemSelect }>;
function toItem({ proposedConfigJson, proposedSecretKeysJson, payloadJson, ...row }: ItemRow): ChangeItem {
  return {
    ...row,
    payload: payloadJson === null ? null : (JSON.parse(payloadJson) as unknown),
    proposedConfig: proposedConfigJson === null ? null : configSchema.parse(JSON.parse(proposedConfigJson)),
    proposedSecretKeys: keysSchema.parse(JSON.parse(proposedSecretKeysJson)),
  };
}

export type ChangeItemInput = {
  action: ChangeAction;
  connectorId?: string | null;
  connectorName: string;
  teamId?: string | null;
  proposedConfig?: Record<string, string> | null;
  /** Full map of proposed secret values (the API merges in unchanged ones); encrypted at rest. */
  proposedSecrets?: Record<string, string>;
  proposedState?: DesiredState | null;
  onlyFailed?: boolean;
  /** The connector version the item was written against; null for a create. */
  baseVersion?: number | null;
  /** Action-specific data, stored as JSON (see ChangeItem.payload); never secrets. */
  payload?: unknown;
};

function itemData(item: ChangeItemInput, position: number) {
  return {
    position,
    action: item.action,
    connectorId: item.connectorId ?? null,
    connectorName: item.connectorName,
    teamId: item.teamId ?? null,
    proposedConfigJson: item.proposedConfig ? JSON.stringify(item.proposedConfig) : null,
    proposedSecretEnc: encryptSecrets(item.proposedSecrets ?? {}),
    proposedSecretKeysJson: JSON.stringify(Object.keys(item.proposedSecrets ?? {}).sort()),
    proposedState: item.proposedState ?? null,
    onlyFailed: item.onlyFailed ?? false,
    baseVersion: item.baseVersion ?? null,
    payloadJson: item.payload === undefined || item.payload === null ? null : JSON.stringify(item.payload),
  };
}

export async function getChangeRequest(db: DbOrTx, id: string): Promise<ChangeRequest | null> {
  const row = await db.changeRequest.findUnique({
    where: { id },
    select: {
      ...changeRequestSelect,
      recordJson: true,
      applyOptionsJson: true,
      items: { select: changeItemSelect, orderBy: { position: "asc" } },
      reviews: { select: reviewSelect, orderBy: { createdAt: "asc" } },
      writers: { select: writerSelect, orderBy: [{ firstRevision: "asc" }, { createdAt: "asc" }] },
    },
  });
  if (!row) return null;
  const { recordJson, applyOptionsJson, ...rest } = row;
  return {
    ...rest,
    items: row.items.map(toItem),
    record: recordJson === null ? null : (JSON.parse(recordJson) as unknown),
    applyOptions: applyOptionsJson === null ? null : (JSON.parse(applyOptionsJson) as unknown),
  };
}

export type ChangeRequestListQuery = {
  status?: ChangeRequestStatus | ChangeRequestStatus[];
  clusterId?: string;
  authorId?: string;
  /** Change requests touching connectors of these teams. */
  teamIds?: string[];
  /** "Mine": authored by this user or touching connectors of these teams. */
  involving?: { userId: string; teamIds: string[] };
  page?: number;
  pageSize?: number;
};

/** Change requests, most recently updated first. */
export async function listChangeRequests(db: DbOrTx, q: ChangeRequestListQuery = {}): Promise<{ items: ChangeRequestSummary[]; total: number }> {
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const page = Math.max(q.page ?? 1, 1);
  const where: Prisma.ChangeRequestWhereInput = { ...listFilter(q), status: Array.isArray(q.status) ? { in: q.status } : q.status };
  const [items, total] = await Promise.all([
    db.changeRequest.findMany({ where, select: changeRequestSelect, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db.changeRequest.count({ where }),
  ]);
  return { items, total };
}

function touchingTeams(teamIds: string[]): Prisma.ChangeRequestWhereInput {
  return { items: { some: { OR: [{ teamId: { in: teamIds } }, { connector: { teamId: { in: teamIds } } }] } } };
}

/** The list filters other than status. */
function listFilter(q: ChangeRequestListQuery): Prisma.ChangeRequestWhereInput {
  return {
    clusterId: q.clusterId,
    authorId: q.authorId,
    AND: [
      q.teamIds ? touchingTeams(q.teamIds) : {},
      q.involving ? { OR: [{ authorId: q.involving.userId }, touchingTeams(q.involving.teamIds)] } : {},
    ],
  };
}

/** How many change requests have each status, under the list's other filters (for status tabs). */
export async function countChangeRequestsByStatus(db: DbOrTx, q: Omit<ChangeRequestListQuery, "status" | "page" | "pageSize"> = {}): Promise<Record<ChangeRequestStatus, number>> {
  const groups = await db.changeRequest.groupBy({ by: ["status"], where: listFilter(q), _count: { _all: true } });
  const counts: Record<ChangeRequestStatus, number> = { draft: 0, in_review: 0, approved: 0, rejected: 0, deploying: 0, deployed: 0, failed: 0, cancelled: 0 };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

export type CreateChangeRequestInput = { clusterId: string; title: string; rationale?: string; items: ChangeItemInput[]; applyOptions?: unknown };

/** The column value for apply options: undefined leaves it, null clears it. */
function applyOptionsData(applyOptions: unknown) {
  return applyOptions === undefined ? {} : { applyOptionsJson: applyOptions === null ? null : JSON.stringify(applyOptions) };
}

/** Creates a draft change request (revision 1) with its items; the author is its first writer. */
export async function createChangeRequest(db: DbOrTx, authorId: string, input: CreateChangeRequestInput): Promise<ChangeRequest> {
  return withAudit(
    db,
    async (tx) => {
      const cr = await tx.changeRequest.create({
        data: {
          authorId,
          clusterId: input.clusterId,
          title: input.title,
          rationale: input.rationale ?? "",
          ...applyOptionsData(input.applyOptions),
          items: { create: input.items.map((item, i) => itemData(item, i)) },
          writers: { create: { userId: authorId, firstRevision: 1, lastRevision: 1 } },
        },
        select: { id: true },
      });
      return (await getChangeRequest(tx, cr.id)) as ChangeRequest;
    },
    (cr) => ({ actorId: authorId, action: "changeRequest.create", entityType: "changeRequest", entityId: cr.id, after: cr }),
  );
}

export type EditChangeRequestInput = { title?: string; rationale?: string; items?: ChangeItemInput[]; applyOptions?: unknown };

/**
 * Edits a change request: bumps its revision, records the editor as a writer, and dismisses the
 * approvals given so far (an approval applies to what was reviewed). Items, when given, replace all
 * items. Only drafts and change requests in review can be edited.
 */
export async function editChangeRequest(db: DbOrTx, actorId: string, id: string, input: EditChangeRequestInput): Promise<ChangeRequest> {
  const result = await withAudit(
    db,
    async (tx) => {
      const before = await getChangeRequest(tx, id);
      if (!before) throw new DbError("NOT_FOUND", "No such change request.");
      const { count } = await tx.changeRequest.updateMany({
        where: { id, revision: before.revision, status: { in: ["draft", "in_review"] } },
        data: { title: input.title, rationale: input.rationale, ...applyOptionsData(input.applyOptions), revision: before.revision + 1 },
      });
      if (count !== 1) throw new DbError("INVALID_STATE", `Change request is ${before.status} or changed concurrently; it cannot be edited.`);
      const revision = before.revision + 1;
      await tx.changeRequestWriter.upsert({
        where: { changeRequestId_userId: { changeRequestId: id, userId: actorId } },
        create: { changeRequestId: id, userId: actorId, firstRevision: revision, lastRevision: revision },
        update: { lastRevision: revision },
      });
      if (input.items) {
        await tx.changeItem.deleteMany({ where: { changeRequestId: id } });
        await tx.changeItem.createMany({ data: input.items.map((item, i) => ({ ...itemData(item, i), changeRequestId: id })) });
      }
      const dismissed = await tx.review.updateMany({ where: { changeRequestId: id, decision: "approve", dismissedAt: null }, data: { dismissedAt: new Date() } });
      return { before, after: (await getChangeRequest(tx, id)) as ChangeRequest, dismissed: dismissed.count };
    },
    ({ before, after, dismissed }) => ({ actorId, action: "changeRequest.edit", entityType: "changeRequest", entityId: id, before, after: { ...after, dismissedApprovals: dismissed } }),
  );
  return result.after;
}

/**
 * Moves a change request from one of `from` to `to`, atomically: returns false (and changes
 * nothing) when its status is not in `from` any more, e.g. when two approvers race. `note` is kept
 * as the status note (why it failed, was rejected or cancelled; cleared otherwise); `record`, when
 * given, is stored as the change request's record (what it was when it ended).
 */
export async function transitionChangeRequest(
  db: DbOrTx,
  actorId: string | null,
  id: string,
  from: readonly ChangeRequestStatus[],
  to: ChangeRequestStatus,
  note?: string,
  record?: unknown,
): Promise<boolean> {
  const now = new Date();
  const stamp =
    to === "in_review" ? { submittedAt: now } : to === "approved" || to === "rejected" ? { decidedAt: now } : to === "deployed" || to === "failed" ? { deployedAt: now } : {};
  const data = { status: to, ...stamp, statusNote: note ?? null, ...(record === undefined ? {} : { recordJson: JSON.stringify(record) }) };
  return withAudit(
    db,
    async (tx) => (await tx.changeRequest.updateMany({ where: { id, status: { in: [...from] } }, data })).count === 1,
    (moved) => (moved ? { actorId, action: `changeRequest.${to}`, entityType: "changeRequest", entityId: id, before: { status: from }, after: { status: to, note } } : []),
  );
}

export type ReviewInput = { decision: ReviewDecision; comment?: string };

/**
 * Records a review against the change request's current revision. A writer of any revision never
 * approves (or rejects) it: the policy refuses first, this is the last line.
 */
export async function addReview(db: DbOrTx, reviewerId: string, changeRequestId: string, input: ReviewInput): Promise<Review> {
  return withAudit(
    db,
    async (tx) => {
      const cr = await tx.changeRequest.findUnique({ where: { id: changeRequestId }, select: { revision: true, writers: { select: { userId: true } } } });
      if (!cr) throw new DbError("NOT_FOUND", "No such change request.");
      if (input.decision !== "comment" && cr.writers.some((w) => w.userId === reviewerId)) throw new DbError("FORBIDDEN", "Writers of a change request cannot review it.");
      return tx.review.create({
        data: { changeRequestId, reviewerId, decision: input.decision, comment: input.comment ?? "", crRevision: cr.revision },
        select: reviewSelect,
      });
    },
    (r) => ({ actorId: reviewerId, action: `changeRequest.review.${r.decision}`, entityType: "changeRequest", entityId: changeRequestId, after: r }),
  );
}

export type StaleItem = { itemId: string; connectorId: string; connectorName: string; baseVersion: number | null; currentVersion: number; deleted: boolean };

/**
 * Items written against an older version of their connector (or against a connector deleted
 * since): the change request must be refreshed before deploy.
 */
export async function findStaleItems(db: DbOrTx, changeRequestId: string): Promise<StaleItem[]> {
  const items = await db.changeItem.findMany({
    where: { changeRequestId, connectorId: { not: null } },
    select: { id: true, connectorName: true, baseVersion: true, connector: { select: { id: true, version: true, deletedAt: true } } },
    orderBy: { position: "asc" },
  });
  return items.flatMap((i) =>
    i.connector && (i.connector.deletedAt !== null || i.baseVersion !== i.connector.version)
      ? [{ itemId: i.id, connectorId: i.connector.id, connectorName: i.connectorName, baseVersion: i.baseVersion, currentVersion: i.connector.version, deleted: i.connector.deletedAt !== null }]
      : [],
  );
}

/** Decrypted proposed secrets of an item: for the deploy only. */
export async function getChangeItemSecrets(db: DbOrTx | Tx, itemId: string): Promise<Record<string, string>> {
  const row = await db.changeItem.findUnique({ where: { id: itemId }, select: { proposedSecretEnc: true } });
  if (!row) throw new DbError("NOT_FOUND", "No such change item.");
  return decryptSecrets(row.proposedSecretEnc);
}

/** Decrypted secrets of one revision of a connector (to re-base a stale change item): server-side only. */
export async function getRevisionSecrets(db: DbOrTx, connectorId: string, version: number): Promise<Record<string, string> | null> {
  const row = await db.connectorRevision.findUnique({ where: { connectorId_version: { connectorId, version } }, select: { secretConfigEnc: true } });
  return row && decryptSecrets(row.secretConfigEnc);
}
