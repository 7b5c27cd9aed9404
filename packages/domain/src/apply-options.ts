/**
 * How a change request's deploy applies it: connectors in flight at once, connectors started per
 * second, and after how many failed steps it halts (the rest left untouched and reported). Stored
 * on the change request, written by its author while it is a draft, so approvers review them with
 * the change. A change request without them applies with the engine's defaults (8 at once, no rate
 * limit, no halt); bulk changes get {@link DEFAULT_APPLY_OPTIONS}.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { DbError } from "@switchboard/db/errors";
import { editChangeRequest, getChangeRequest } from "@switchboard/db/repos/change-requests";
import { LIMITS } from "./change-items";
import { conflict, forbidden, notFound, precondition } from "./errors";
import { describeStatus, type SessionUser } from "./policy";

export const applyOptionsSchema = z.object({
  concurrency: z.number().int("A whole number.").min(1, "At least 1.").max(32, "At most 32."),
  ratePerSecond: z.number().min(0.1, "At least 0.1 per second.").max(100, "At most 100 per second."),
  haltAfterFailures: z.number().int("A whole number.").min(1, "At least 1.").max(LIMITS.itemsPerChange, `At most ${LIMITS.itemsPerChange}.`),
});

export type ApplyOptionsValue = z.infer<typeof applyOptionsSchema>;

/** Gentle on a cluster (restarts and pauses make workers busy) and quick to stop when something is wrong. */
export const DEFAULT_APPLY_OPTIONS: ApplyOptionsValue = { concurrency: 4, ratePerSecond: 10, haltAfterFailures: 5 };

/** The stored options of a change request, or null (engine defaults) when none or unreadable. */
export function parseApplyOptions(stored: unknown): ApplyOptionsValue | null {
  const parsed = applyOptionsSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * Sets the apply options of a draft: its author or an admin (who then becomes a writer), and only
 * while it is a draft, so what reviewers approve includes how it is applied.
 */
export async function setApplyOptions(db: DbOrTx, user: SessionUser, id: string, options: ApplyOptionsValue): Promise<{ applyOptions: ApplyOptionsValue; revision: number }> {
  const cr = await getChangeRequest(db, id);
  if (!cr) throw notFound("No such change request.");
  if (user.id !== cr.authorId && user.role !== "admin") throw forbidden("Only the author or an admin can change how a change request is applied.");
  if (cr.status !== "draft") throw precondition(`It is ${describeStatus(cr.status)}; apply options are set while it is a draft.`);
  try {
    const after = await editChangeRequest(db, user.id, id, { applyOptions: options });
    return { applyOptions: options, revision: after.revision };
  } catch (err) {
    if (err instanceof DbError && err.code === "INVALID_STATE") throw conflict("The change request changed meanwhile; reload and try again.");
    throw err;
  }
}
