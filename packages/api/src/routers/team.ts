import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { addContact, addMember, createTeam, getContact, getTeam, listTeamContacts, listTeamMembers, listTeams, removeContact, removeMember, updateTeam } from "@switchboard/db/repos/teams";
import { getUser } from "@switchboard/db/repos/users";
import { notFound } from "@switchboard/domain/errors";
import { adminProcedure, createTRPCRouter, protectedProcedure, roleProcedure, type SessionUser } from "../trpc";
import { displayContact } from "@switchboard/domain/display";
import { webhookTargetProblem } from "@switchboard/domain/webhooks";

const id = z.string().min(1).max(100);
const teamName = z.string().trim().min(1, "Name is required.").max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Use letters, digits, space, dot, dash and underscore.");
const description = z.string().trim().max(500, "At most 500 characters.");

/**
 * A contact: an email address or an http(s) webhook URL (Slack-compatible JSON is posted to it).
 * A webhook must pass the webhook target rule (no loopback, link-local, private or reserved
 * addresses unless the operator's allowlist names them); the worker checks it again on delivery.
 */
export const contactInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("email"), target: z.string().trim().pipe(z.email({ error: "Enter a valid email address." })) }),
  z.object({
    kind: z.literal("webhook"),
    target: z
      .string()
      .trim()
      .pipe(z.url({ protocol: /^https?$/, error: "The webhook must be an http(s) URL." }))
      .superRefine(async (target, ctx) => {
        const problem = await webhookTargetProblem(target);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  }),
]);

/** Team notification settings: admins, or owners (and approvers) who are members of the team. */
function assertCanEditTeamContacts(user: SessionUser, teamId: string): void {
  if (user.role === "admin" || user.teamIds.includes(teamId)) return;
  throw new TRPCError({ code: "FORBIDDEN", message: "Only members of this team and admins can change its notification contacts." });
}

export const teamRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => listTeams(ctx.db)),

  byId: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const team = await getTeam(ctx.db, input.id);
    if (!team) throw notFound("No such team.");
    const [members, contacts] = await Promise.all([listTeamMembers(ctx.db, team.id), listTeamContacts(ctx.db, team.id)]);
    const canEditContacts = ctx.user.role === "admin" || (ctx.user.role !== "viewer" && ctx.user.teamIds.includes(team.id));
    return { ...team, members, contacts: contacts.map(displayContact), permissions: { editContacts: canEditContacts, manage: ctx.user.role === "admin" } };
  }),

  create: adminProcedure.input(z.object({ name: teamName, description: description.optional() })).mutation(({ ctx, input }) =>
    createTeam(ctx.db, ctx.user.id, input),
  ),

  update: adminProcedure.input(z.object({ id, name: teamName.optional(), description: description.optional() })).mutation(({ ctx, input: { id: teamId, ...fields } }) =>
    updateTeam(ctx.db, ctx.user.id, teamId, fields),
  ),

  addMember: adminProcedure.input(z.object({ teamId: id, userId: id })).mutation(async ({ ctx, input }) => {
    if (!(await getTeam(ctx.db, input.teamId))) throw notFound("No such team.");
    if (!(await getUser(ctx.db, input.userId))) throw notFound("No such user.");
    await addMember(ctx.db, ctx.user.id, input.teamId, input.userId);
    return { ok: true as const };
  }),

  removeMember: adminProcedure.input(z.object({ teamId: id, userId: id })).mutation(async ({ ctx, input }) => {
    await removeMember(ctx.db, ctx.user.id, input.teamId, input.userId);
    return { ok: true as const };
  }),

  addContact: roleProcedure("owner", "approver")
    .input(z.object({ teamId: id, contact: contactInput }))
    .mutation(async ({ ctx, input }) => {
      assertCanEditTeamContacts(ctx.user, input.teamId);
      if (!(await getTeam(ctx.db, input.teamId))) throw notFound("No such team.");
      return displayContact(await addContact(ctx.db, ctx.user.id, { ...input.contact, teamId: input.teamId }));
    }),

  removeContact: roleProcedure("owner", "approver")
    .input(z.object({ teamId: id, contactId: id }))
    .mutation(async ({ ctx, input }) => {
      assertCanEditTeamContacts(ctx.user, input.teamId);
      const contact = await getContact(ctx.db, input.contactId);
      if (!contact || contact.teamId !== input.teamId) throw notFound("This team has no such contact.");
      await removeContact(ctx.db, ctx.user.id, input.contactId);
      return { ok: true as const };
    }),
});
