/**
 * Bulk changes: one operation (pause, resume, restart, stop, delete) on every connector a board
 * selection holds. The selection is resolved here, on the server, with the board's own filters;
 * a client may name connector ids only to narrow it further, never to add one. Only connectors the
 * caller may act for are taken, and every item is checked again like any change item. The result
 * is one draft change request per cluster (a change request has one cluster), reviewed and
 * deployed like any other, throttled by its apply options.
 */
import { z } from "zod";
import type { Db } from "@switchboard/db/client";
import { HEALTH_STATES } from "@switchboard/db/enums";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { getTeam } from "@switchboard/db/repos/teams";
import { DEFAULT_APPLY_OPTIONS, applyOptionsSchema, type ApplyOptionsValue } from "./apply-options";
import { boardSnapshot, type BoardItem } from "./board-snapshot";
import { LIMITS, resolveItems, type ChangeItemRequest } from "./change-items";
import { submitForReview } from "./change-requests";
import { toBoardQuery } from "./connectors";
import { badRequest, forbidden } from "./errors";
import { labelFiltersSchema } from "./labels";
import { hasRoleAtLeast, mayActForTeam, type SessionUser } from "./policy";

const id = z.string().min(1).max(100);

/** The board's filters (as in its URL), plus an optional narrowing to some connector ids. */
export const bulkSelectionSchema = z.object({
  clusterId: id.optional(),
  teamId: id.optional(),
  labels: labelFiltersSchema.optional(),
  state: z.enum([...HEALTH_STATES, "UNKNOWN"]).optional(),
  search: z.string().trim().max(200).optional(),
  mine: z.boolean().optional(),
  /** Only these of the selected connectors (each still selected and checked); never adds one. */
  connectorIds: z.array(id).min(1, "Name at least one connector, or leave the list out.").max(LIMITS.itemsPerChange).optional(),
});
export type BulkSelection = z.infer<typeof bulkSelectionSchema>;

export const bulkOperationSchema = z.discriminatedUnion("action", [
  z.object({ action: z.enum(["pause", "resume", "stop", "delete"]) }),
  z
    .object({
      action: z.literal("restart"),
      /** Restart only the failed tasks of each connector. */
      onlyFailed: z.boolean().default(false),
      /** Restart only this task of each connector. */
      taskId: z.number().int("A task id is a whole number.").min(0, "Task ids start at 0.").max(10_000).optional(),
    })
    .refine((o) => !(o.onlyFailed && o.taskId !== undefined), { message: "Restart either the failed tasks or one task, not both.", path: ["taskId"] }),
]);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;

export type BulkSelected = {
  /** The connectors the change would touch, by cluster, in board order. */
  clusters: Array<{ cluster: BoardItem["cluster"]; connectors: Array<Pick<BoardItem, "id" | "name" | "state"> & { team: string }> }>;
  total: number;
  /** Connectors the filters selected that belong to teams the caller may not act for: left out. */
  excluded: number;
};

/**
 * The connectors a selection holds that the caller may act for, grouped by cluster, from the board
 * (brought up to date first). Viewers select nothing: they change nothing.
 */
export async function selectForBulk(db: Db, user: SessionUser, selection: BulkSelection): Promise<BulkSelected> {
  if (!hasRoleAtLeast(user, "owner")) throw forbidden("Viewers cannot change connectors.");
  const snapshot = boardSnapshot(db);
  await snapshot.current();
  const { connectorIds, ...filters } = selection;
  const only = connectorIds ? new Set(connectorIds) : null;
  const matched = snapshot.select({ ...toBoardQuery(user, { page: 1, pageSize: 1, ...filters }), sort: { column: "name", direction: "asc" } }).filter((c) => !only || only.has(c.id));
  const allowed = matched.filter((c) => mayActForTeam(user, c.team.id));
  const clusters = new Map<string, BulkSelected["clusters"][number]>();
  for (const c of allowed) {
    const group = clusters.get(c.cluster.id) ?? { cluster: c.cluster, connectors: [] };
    group.connectors.push({ id: c.id, name: c.name, state: c.state, team: c.team.name });
    clusters.set(c.cluster.id, group);
  }
  return { clusters: [...clusters.values()], total: allowed.length, excluded: matched.length - allowed.length };
}

export type OpenBulkInput = {
  selection: BulkSelection;
  operation: BulkOperation;
  title?: string;
  rationale?: string;
  applyOptions?: ApplyOptionsValue;
  /** Submit each draft for review at once (the board's one-step bulk action). */
  submit?: boolean;
};

export type OpenedBulk = {
  changeRequests: Array<{ id: string; cluster: { id: string; name: string }; items: number }>;
  total: number;
  excluded: number;
};

const VERB: Record<BulkOperation["action"], string> = { pause: "Pause", resume: "Resume", restart: "Restart", stop: "Stop", delete: "Delete" };

/**
 * Opens one draft change request per cluster for an operation on every connector of a selection
 * the caller may act for (see {@link selectForBulk}), with the given apply options or the bulk
 * defaults, submitted for review at once when asked. All drafts or none: they are written in one transaction, each item checked again
 * (connector still live on that cluster, caller still allowed for its team). Refuses an empty
 * selection and one beyond {@link LIMITS.itemsPerChange} connectors, saying how to narrow it.
 */
export async function openBulkChange(db: Db, user: SessionUser, input: OpenBulkInput): Promise<OpenedBulk> {
  const selected = await selectForBulk(db, user, input.selection);
  const left = selected.excluded > 0 ? ` ${selected.excluded} ${selected.excluded === 1 ? "connector" : "connectors"} of teams you cannot act for ${selected.excluded === 1 ? "was" : "were"} left out.` : "";
  if (selected.total === 0) throw badRequest(`No connector you may act for matches this selection.${left}`);
  if (selected.total > LIMITS.itemsPerChange) {
    throw badRequest(
      `The selection holds ${selected.total} connectors; a bulk change takes at most ${LIMITS.itemsPerChange}. Narrow it by team, cluster, label, state or search (or select connectors one by one) and open several.`,
    );
  }
  const options = input.applyOptions === undefined ? DEFAULT_APPLY_OPTIONS : applyOptionsSchema.parse(input.applyOptions);
  const op = input.operation;
  const item = (connectorId: string): ChangeItemRequest =>
    op.action === "restart" ? { action: "restart", connectorId, onlyFailed: op.onlyFailed, ...(op.taskId === undefined ? {} : { taskId: op.taskId }) } : { action: op.action, connectorId };
  const what = await describeSelection(db, input.selection, op);
  const several = selected.clusters.length > 1;
  // Up to 200 items, each checked again: more than the default 5 s a busy machine may need.
  return db.$transaction(async (tx) => {
    const changeRequests: OpenedBulk["changeRequests"] = [];
    for (const { cluster, connectors } of selected.clusters) {
      // Only pause/resume/restart/stop/delete items: no config, so no password keys to ask the cluster for.
      const items = await resolveItems(tx, user, cluster.id, connectors.map((c) => item(c.id)), async () => []);
      const title = (input.title?.trim() || `${VERB[op.action]} ${connectors.length} ${connectors.length === 1 ? "connector" : "connectors"}${what}`) + (several ? ` on ${cluster.name}` : "");
      const rationale = [input.rationale?.trim() ?? "", several ? `One of ${selected.clusters.length} change requests opened together for this selection (one per cluster).` : ""].filter(Boolean).join("\n\n");
      const cr = await createChangeRequest(tx, user.id, { clusterId: cluster.id, title: title.slice(0, 200), rationale, items, applyOptions: options });
      if (input.submit) await submitForReview(tx, user, cr.id);
      changeRequests.push({ id: cr.id, cluster: { id: cluster.id, name: cluster.name }, items: items.length });
    }
    return { changeRequests, total: selected.total, excluded: selected.excluded };
  }, { timeout: 60_000 });
}

/** " (team payments, state FAILED, label env=prod)" for a title; empty without filters. */
async function describeSelection(db: Db, s: BulkSelection, op: BulkOperation): Promise<string> {
  const team = s.teamId ? await getTeam(db, s.teamId) : null;
  const parts = [
    op.action === "restart" && op.onlyFailed ? "failed tasks only" : null,
    op.action === "restart" && op.taskId !== undefined ? `task ${op.taskId}` : null,
    team ? `team ${team.name}` : null,
    s.mine ? "my teams" : null,
    s.state ? `state ${s.state}` : null,
    ...(s.labels ?? []).map((l) => `label ${l}`),
    s.search ? `matching "${s.search}"` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
