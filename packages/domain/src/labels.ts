/**
 * Connector labels: lower-case `key` or `key=value` strings that owners put on their connectors to
 * select them on the board and in bulk changes. They live only in Switchboard and never reach the
 * cluster, so setting them is a plain audited mutation for whoever may act for the owning team, not
 * a change request.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { setConnectorLabels, type Connector } from "@switchboard/db/repos/connectors";
import { badRequest, forbidden } from "./errors";
import { mayActForTeam, type SessionUser } from "./policy";

export const LABEL_LIMITS = { perConnector: 20, partLength: 63, filters: 10 } as const;

const part = `[a-z0-9](?:[a-z0-9.-]{0,${LABEL_LIMITS.partLength - 2}}[a-z0-9])?`;
const LABEL = new RegExp(`^${part}(?:=${part})?$`);

/**
 * One label or label filter, lower-cased. No "_" or "%": the database's substring match would read
 * them as wildcards.
 */
export const labelSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(2 * LABEL_LIMITS.partLength + 1, `A label has at most ${2 * LABEL_LIMITS.partLength + 1} characters.`)
  .regex(LABEL, `Write a label as key or key=value: letters, digits, "." and "-", starting and ending with a letter or digit, each part at most ${LABEL_LIMITS.partLength} characters.`);

const keyOf = (label: string) => label.split("=")[0]!;

/** A connector's labels: at most one value per key, deduplicated and sorted. */
export const labelsSchema = z
  .array(labelSchema)
  .max(LABEL_LIMITS.perConnector, `At most ${LABEL_LIMITS.perConnector} labels per connector.`)
  .transform((labels) => [...new Set(labels)].sort())
  .superRefine((labels, ctx) => {
    const seen = new Map<string, string>();
    for (const label of labels) {
      const other = seen.get(keyOf(label));
      if (other !== undefined) ctx.addIssue({ code: "custom", message: `"${other}" and "${label}" give the key "${keyOf(label)}" two values; keep one.` });
      seen.set(keyOf(label), label);
    }
  });

/** Label filters (the board's `label` URL parameters): all must match. */
export const labelFiltersSchema = z.array(labelSchema).max(LABEL_LIMITS.filters, `At most ${LABEL_LIMITS.filters} label filters.`);

/** Replaces a connector's labels; only those who may act for its team. Returns the stored labels. */
export async function setLabels(db: DbOrTx, user: SessionUser, connector: Connector, labels: readonly string[]): Promise<{ labels: string[] }> {
  if (!mayActForTeam(user, connector.teamId)) throw forbidden(`Connector ${connector.name} belongs to another team; only its team's owners, approvers and admins can label it.`);
  const parsed = labelsSchema.safeParse(labels);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? "Invalid labels.");
  const after = await setConnectorLabels(db, user.id, connector.id, parsed.data);
  return { labels: after.labels };
}
