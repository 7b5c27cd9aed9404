/**
 * The mark the server puts on the update item of a drift revert or adopt (ChangeItem.payload). The
 * deploy forces such an item back onto its live connector (see the engine's PlanOptions.force).
 * Clients never set payloads: items they send go through change-items.ts, which has no payload.
 */
import { z } from "zod";
import type { ChangeItem } from "@switchboard/db/repos/change-requests";

export type DriftAction = "revert" | "adopt";

const driftPayloadSchema = z.object({ drift: z.enum(["revert", "adopt"]) });

/** The drift action an item carries, or null for any other item. */
export function driftActionOf(item: Pick<ChangeItem, "action" | "payload">): DriftAction | null {
  if (item.action !== "update") return null;
  const parsed = driftPayloadSchema.safeParse(item.payload);
  return parsed.success ? parsed.data.drift : null;
}

export function driftPayload(action: DriftAction): { drift: DriftAction } {
  return { drift: action };
}
