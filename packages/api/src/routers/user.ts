import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ROLES } from "@switchboard/db/enums";
import { createUser, listUsers, updateUser } from "@switchboard/db/repos/users";
import { DEMO_PASSWORD } from "@switchboard/db/seed";
import { adminProcedure, createTRPCRouter } from "../trpc";

const id = z.string().min(1).max(100);
// Only demo mode accepts the demo password, and a production server refuses to start while an account has it.
const password = z
  .string()
  .min(8, "At least 8 characters.")
  .max(200, "At most 200 characters.")
  .refine((value) => value !== DEMO_PASSWORD, "That is the demo password; choose another.");
const name = z.string().trim().min(1, "Name is required.").max(100);

export const userRouter = createTRPCRouter({
  list: adminProcedure.input(z.object({}).optional()).query(({ ctx }) => listUsers(ctx.db)),

  create: adminProcedure
    .input(z.object({ email: z.string().trim().pipe(z.email({ error: "Enter a valid email address." })), name, role: z.enum(ROLES), password }))
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.user.id, input)),

  /** Admins change passwords here (there is no self-service page); a new password, a disable or a role change ends the user's sessions. */
  update: adminProcedure
    .input(z.object({ id, name: name.optional(), role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password.optional() }))
    .mutation(({ ctx, input: { id: userId, ...fields } }) => {
      // Refused so there is always an admin left: only another admin can demote or disable one.
      if (userId === ctx.user.id && ((fields.role !== undefined && fields.role !== "admin") || fields.disabled === true)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "You cannot remove your own admin role or disable your own account; ask another admin." });
      }
      return updateUser(ctx.db, ctx.user.id, userId, fields);
    }),
});
