import { z } from "zod";
import { addContact, addMember, createTeam, getContact, getTeam, listTeamContacts, listTeamMembers, listTeams, removeContact, removeMember, updateTeam } from "@switchboard/db/repos/teams";
import { getUser } from "@switchboard/db/repos/users";
import { notFound } from "@switchboard/domain/errors";
import { mayActForTeam } from "@switchboard/domain/policy";
import { adminProcedure, createTRPCRouter, protectedProcedure, teamProcedure } from "../trpc";
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

export const teamRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => listTeams(ctx.db)),

  byId: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const team = await getTeam(ctx.db, input.id);
    if (!team) throw notFound("No such team.");
    const [members, contacts] = await Promise.all([listTeamMembers(ctx.db, team.id), listTeamContacts(ctx.db, team.id)]);
    return { ...team, members, contacts: contacts.map(displayContact), permissions: { editContacts: mayActForTeam(ctx.user, team.id), manage: ctx.user.role === "admin" } };
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

  /** The team's own settings: whoever may act for the team (the policy's one team rule). */
  addContact: teamProcedure
    .input(z.object({ contact: contactInput }))
    .mutation(async ({ ctx, input }) => displayContact(await addContact(ctx.db, ctx.user.id, { ...input.contact, teamId: ctx.team.id }))),

  removeContact: teamProcedure
    .input(z.object({ contactId: id }))
    .mutation(async ({ ctx, input }) => {
      const contact = await getContact(ctx.db, input.contactId);
      if (!contact || contact.teamId !== ctx.team.id) throw notFound("This team has no such contact.");
      await removeContact(ctx.db, ctx.user.id, input.contactId);
      return { ok: true as const };
    }),
});
