/** Teams, memberships and contacts (team- or connector-level). */
import { publishBoardChange } from "../board-bus";
import type { DbOrTx } from "../client";
import type { ContactKind } from "../enums";
import { DbError } from "../errors";
import { withAudit } from "./audit";

export const teamSelect = { id: true, name: true, description: true, createdAt: true } as const;
export type Team = { id: string; name: string; description: string; createdAt: Date };

export const contactSelect = { id: true, kind: true, target: true, name: true, connectorId: true, teamId: true } as const;
/** `name`: a person's name for the contact (a state file's ownerName), when known. */
export type Contact = { id: string; kind: ContactKind; target: string; name: string | null; connectorId: string | null; teamId: string | null };

export function listTeams(db: DbOrTx): Promise<Team[]> {
  return db.team.findMany({ select: teamSelect, orderBy: { name: "asc" } });
}

export function getTeam(db: DbOrTx, id: string): Promise<Team | null> {
  return db.team.findUnique({ where: { id }, select: teamSelect });
}

export function getTeamByName(db: DbOrTx, name: string): Promise<Team | null> {
  return db.team.findUnique({ where: { name }, select: teamSelect });
}

export async function createTeam(db: DbOrTx, actorId: string | null, input: { name: string; description?: string }): Promise<Team> {
  return withAudit(
    db,
    async (tx) => {
      if (await tx.team.findUnique({ where: { name: input.name }, select: { id: true } })) throw new DbError("CONFLICT", `Team ${input.name} exists.`);
      return tx.team.create({ data: { name: input.name, description: input.description ?? "" }, select: teamSelect });
    },
    (team) => ({ actorId, action: "team.create", entityType: "team", entityId: team.id, after: team }),
  );
}

/** Renames or re-describes a team. */
export async function updateTeam(db: DbOrTx, actorId: string | null, id: string, input: { name?: string; description?: string }): Promise<Team> {
  const result = await withAudit(
    db,
    async (tx) => {
      const before = await tx.team.findUnique({ where: { id }, select: teamSelect });
      if (!before) throw new DbError("NOT_FOUND", "No such team.");
      if (input.name !== undefined && input.name !== before.name && (await tx.team.findUnique({ where: { name: input.name }, select: { id: true } }))) {
        throw new DbError("CONFLICT", `Team ${input.name} exists.`);
      }
      const after = await tx.team.update({ where: { id }, data: { name: input.name, description: input.description }, select: teamSelect });
      return { before, after };
    },
    ({ before, after }) => ({ actorId, action: "team.update", entityType: "team", entityId: id, before, after }),
  );
  // Every board row carries its team's name.
  publishBoardChange(null);
  return result.after;
}

/** Members of a team (public user fields). */
export async function listTeamMembers(db: DbOrTx, teamId: string): Promise<{ id: string; email: string; name: string; role: string }[]> {
  const rows = await db.membership.findMany({
    where: { teamId },
    select: { user: { select: { id: true, email: true, name: true, role: true } } },
    orderBy: { user: { email: "asc" } },
  });
  return rows.map((r) => r.user);
}

/** Ids of the teams a user belongs to. */
export async function teamIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.membership.findMany({ where: { userId }, select: { teamId: true } });
  return rows.map((r) => r.teamId);
}

/** Adds a user to a team; adding an existing member changes nothing. */
export async function addMember(db: DbOrTx, actorId: string | null, teamId: string, userId: string): Promise<void> {
  await withAudit(
    db,
    (tx) => tx.membership.upsert({ where: { userId_teamId: { userId, teamId } }, create: { userId, teamId }, update: {}, select: { id: true } }),
    () => ({ actorId, action: "team.addMember", entityType: "team", entityId: teamId, after: { userId } }),
  );
}

export async function removeMember(db: DbOrTx, actorId: string | null, teamId: string, userId: string): Promise<void> {
  await withAudit(
    db,
    (tx) => tx.membership.deleteMany({ where: { userId, teamId } }),
    () => ({ actorId, action: "team.removeMember", entityType: "team", entityId: teamId, before: { userId } }),
  );
}

export type ContactInput = { kind: ContactKind; target: string; name?: string | null } & ({ teamId: string; connectorId?: never } | { connectorId: string; teamId?: never });

export async function addContact(db: DbOrTx, actorId: string | null, input: ContactInput): Promise<Contact> {
  return withAudit(
    db,
    (tx) => tx.contact.create({ data: { kind: input.kind, target: input.target, name: input.name ?? null, teamId: input.teamId ?? null, connectorId: input.connectorId ?? null }, select: contactSelect }),
    (c) => ({ actorId, action: "contact.create", entityType: c.connectorId ? "connector" : "team", entityId: c.connectorId ?? c.teamId ?? "", after: c }),
  );
}

export async function removeContact(db: DbOrTx, actorId: string | null, id: string): Promise<void> {
  await withAudit(
    db,
    async (tx) => {
      const c = await tx.contact.findUnique({ where: { id }, select: contactSelect });
      if (!c) throw new DbError("NOT_FOUND", "No such contact.");
      await tx.contact.delete({ where: { id } });
      return c;
    },
    (c) => ({ actorId, action: "contact.delete", entityType: c.connectorId ? "connector" : "team", entityId: c.connectorId ?? c.teamId ?? "", before: c }),
  );
}

export function getContact(db: DbOrTx, id: string): Promise<Contact | null> {
  return db.contact.findUnique({ where: { id }, select: contactSelect });
}

/** A connector's own contacts (not its team's). */
export function listConnectorContacts(db: DbOrTx, connectorId: string): Promise<Contact[]> {
  return db.contact.findMany({ where: { connectorId }, select: contactSelect, orderBy: { target: "asc" } });
}

export function listTeamContacts(db: DbOrTx, teamId: string): Promise<Contact[]> {
  return db.contact.findMany({ where: { teamId }, select: contactSelect, orderBy: { target: "asc" } });
}

/** Who to notify about a connector: its own contacts, then its team's. */
export async function contactsForConnector(db: DbOrTx, connectorId: string): Promise<Contact[]> {
  const connector = await db.connector.findUnique({ where: { id: connectorId }, select: { teamId: true } });
  if (!connector) return [];
  return db.contact.findMany({
    where: { OR: [{ connectorId }, { teamId: connector.teamId }] },
    select: contactSelect,
    orderBy: [{ connectorId: "desc" }, { target: "asc" }],
  });
}
