/**
 * Owners from a state file (seed 001's ownerName/ownerEmail, the canonical `owner.name/email`) become
 * the connector's email contacts, so failure notifications reach them. A connector that exists gets
 * them when the file is imported (its team's members may add contacts anyway); a connector the import
 * creates gets them when its deploy creates it, from its change item's payload. Emails are compared
 * case-insensitively, so an owner already listed is not added twice.
 */
import type { DbOrTx } from "@switchboard/db/client";
import type { ChangeItem } from "@switchboard/db/repos/change-requests";
import { addContact, listConnectorContacts } from "@switchboard/db/repos/teams";
import type { ConnectorSpec } from "@switchboard/engine/model";
import { z } from "zod";

export type OwnerContact = { email: string; name: string | null };

const ownerContact = z.object({
  email: z.email().max(320),
  name: z.string().trim().max(200).nullable(),
});

/** The `owners` member of a change item's payload (other members belong to other actions). */
const ownersPayload = z.looseObject({ owners: z.array(ownerContact).max(20) });

/** The owner a definition names, as a contact; none without an email. Throws on an invalid email (the loader checks it first). */
export function ownersOf(spec: Pick<ConnectorSpec, "owner">): OwnerContact[] {
  const email = spec.owner?.email?.trim();
  if (!email) return [];
  const name = spec.owner?.name?.trim() || null;
  return [ownerContact.parse({ email, name })];
}

/** A change item's payload carrying owners, for a create. */
export function ownersPayloadOf(owners: readonly OwnerContact[]): { owners: OwnerContact[] } | undefined {
  return owners.length === 0 ? undefined : { owners: [...owners] };
}

/** The owners a change item carries (none when its payload has no valid `owners`). */
export function ownersOfItem(item: Pick<ChangeItem, "payload">): OwnerContact[] {
  const parsed = ownersPayload.safeParse(item.payload);
  return parsed.success ? parsed.data.owners : [];
}

/** The owners that are not yet email contacts of the connector. */
export async function missingOwnerContacts(db: DbOrTx, connectorId: string, owners: readonly OwnerContact[]): Promise<OwnerContact[]> {
  const known = new Set((await listConnectorContacts(db, connectorId)).filter((c) => c.kind === "email").map((c) => c.target.toLowerCase()));
  const out: OwnerContact[] = [];
  for (const o of owners) {
    const key = o.email.toLowerCase();
    if (known.has(key)) continue;
    known.add(key);
    out.push(o);
  }
  return out;
}

/** Adds the owners that are not yet email contacts of the connector (each with an audit event); returns those added. */
export async function addOwnerContacts(db: DbOrTx, actorId: string | null, connectorId: string, owners: readonly OwnerContact[]): Promise<OwnerContact[]> {
  const missing = await missingOwnerContacts(db, connectorId, owners);
  for (const o of missing) await addContact(db, actorId, { kind: "email", target: o.email, name: o.name, connectorId });
  return missing;
}
