/**
 * tRPC context and procedure builders. Routers never read the session themselves: the builders
 * check the caller once (signed in, role, the team, connector or change request the input names)
 * with the domain's policy module and hand typed values on. Domain errors become tRPC errors here,
 * in one middleware every procedure runs through.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { getDb, type Db } from "@switchboard/db/client";
import type { Role } from "@switchboard/db/enums";
import { DbError, type DbErrorCode } from "@switchboard/db/errors";
import { getChangeRequest, type ChangeRequest } from "@switchboard/db/repos/change-requests";
import { getTeam, type Team } from "@switchboard/db/repos/teams";
import type { SessionUser } from "@switchboard/db/repos/users";
import { authorizeConnector } from "@switchboard/domain/connectors";
import { DomainError } from "@switchboard/domain/errors";
import { hasRoleAtLeast, mayActForTeam } from "@switchboard/domain/policy";
import { ConnectError } from "@switchboard/engine/port";
import { redactText } from "@switchboard/engine/secrets";

export type { Role, SessionUser };

export type ContextInner = { db: Db; user: SessionUser | null };

/** Context without a request: used by tests through `createCaller` (with a test database), and by the HTTP adapter. */
export function createContextInner(opts: { user: SessionUser | null; db?: Db }): ContextInner {
  return { db: opts.db ?? getDb(), user: opts.user };
}

/** Frozen answers (the board's pages, shared by everyone who asks the same) are encoded once each. */
const encoded = new WeakMap<object, ReturnType<typeof superjson.serialize>>();
function serializeOutput(value: unknown): ReturnType<typeof superjson.serialize> {
  if (typeof value !== "object" || value === null || !Object.isFrozen(value)) return superjson.serialize(value);
  let out = encoded.get(value);
  if (!out) encoded.set(value, (out = superjson.serialize(value)));
  return out;
}

const t = initTRPC.context<ContextInner>().create({
  transformer: { input: superjson, output: { serialize: serializeOutput, deserialize: superjson.deserialize } },
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field errors for forms; never a stack trace.
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
        fields: error.cause instanceof DomainError ? (error.cause.fields ?? null) : null,
        stack: undefined,
      },
    };
  },
});

const DB_CODES: Record<DbErrorCode, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID_STATE: "PRECONDITION_FAILED",
  FORBIDDEN: "FORBIDDEN",
};

/**
 * The one place where domain, data and Connect errors become tRPC errors. Anything else stays an
 * internal error whose message tRPC does not pass on.
 */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  if (err instanceof DomainError) return new TRPCError({ code: err.code, message: err.message, cause: err });
  if (err instanceof DbError) return new TRPCError({ code: DB_CODES[err.code], message: err.message, cause: err });
  if (err instanceof ConnectError) {
    const code = err.code === "NOT_FOUND" ? "NOT_FOUND" : err.code === "BAD_REQUEST" ? "BAD_REQUEST" : err.code === "TIMEOUT" ? "TIMEOUT" : "BAD_GATEWAY";
    return new TRPCError({ code, message: `Kafka Connect: ${redactText(err.message)}`, cause: err });
  }
  return err;
}

/** Errors thrown by use cases reach here wrapped as internal errors: give them their own code and message. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

/** Callers whose role is one of `roles` (admins always pass). */
export function roleProcedure(...roles: Role[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (ctx.user.role !== "admin" && !roles.includes(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${roles.join(" or ")} role.` });
    }
    return next();
  });
}

export const adminProcedure = roleProcedure("admin");
export const approverProcedure = roleProcedure("approver");
/** Writers of change requests: owners (for their teams), approvers and admins. */
export const authorProcedure = roleProcedure("owner", "approver");

const id = z.string().min(1).max(100);

/** Input `{ teamId }`: the caller must be allowed to act for that team (policy `mayActForTeam`); hands on `ctx.team`. */
export const teamProcedure = authorProcedure.input(z.object({ teamId: id })).use(async ({ ctx, input, next }) => {
  const team = await getTeam(ctx.db, input.teamId);
  if (!team) throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
  if (!mayActForTeam(ctx.user, team.id)) throw new TRPCError({ code: "FORBIDDEN", message: `You cannot act for team ${team.name}.` });
  return next({ ctx: { team: team satisfies Team } });
});

/** Input `{ id }` of a connector: the caller must be allowed to act for its team; hands on `ctx.connector`. */
export const connectorProcedure = authorProcedure.input(z.object({ id })).use(async ({ ctx, input, next }) => {
  const connector = await authorizeConnector(ctx.db, ctx.user, input.id);
  return next({ ctx: { connector } });
});

/** Input `{ id }` of a change request that exists; hands on `ctx.changeRequest` (the lifecycle rules are the use cases'). */
export const changeRequestProcedure = protectedProcedure.input(z.object({ id })).use(async ({ ctx, input, next }) => {
  const changeRequest = await getChangeRequest(ctx.db, input.id);
  if (!changeRequest) throw new TRPCError({ code: "NOT_FOUND", message: "No such change request." });
  return next({ ctx: { changeRequest: changeRequest satisfies ChangeRequest } });
});

export { hasRoleAtLeast };
