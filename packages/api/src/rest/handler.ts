/**
 * The /api/v1 handler: a fetch `Request` → `Response` function (the web app mounts it in one route
 * file; tests call it directly). Per call: the client address's failed-authentication limit, bearer
 * token → the user it acts as now (a failure is audited and counted against the address), the token's rate
 * limit, input checked against the route's schemas, the route's procedure, the answer parsed through
 * its response schema, and an audit event under the token and its user.
 */
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { getDb, type Db } from "@switchboard/db/client";
import { authFailureThrottle, tokenRateLimiter, type RequestLimit } from "@switchboard/db/repos/api-tokens";
import { writeAudit } from "@switchboard/db/repos/audit";
import { authenticateToken } from "@switchboard/domain/api-tokens";
import { withConnect, type ConnectFactory } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";
import { API_BASE, AUTH_FAILURE_LIMIT, DEFAULT_RATE_LIMIT, openApiDocument } from "./openapi";
import { InputProblems, routes, type RestRoute } from "./routes";

export type RestHandlerOptions = {
  db?: Db;
  /** Tests: a fake Kafka Connect. */
  connectFor?: ConnectFactory;
  /** Requests per token (default DEFAULT_RATE_LIMIT; the web app reads SWITCHBOARD_API_RATE_LIMIT). */
  rateLimit?: RequestLimit;
  /** Failed authentications per client address (default AUTH_FAILURE_LIMIT). */
  authFailureLimit?: RequestLimit;
  /** The client's address, which failed authentications are counted against (default: clientAddressOf). */
  clientAddress?: (req: Request) => string | null;
  now?: () => Date;
  /** The web app's public URL, for review links in answers. */
  publicUrl?: string;
  /** Unexpected faults (never bad input or refusals), for the server's log. */
  onError?: (err: unknown, operationId: string | null) => void;
};

/** Bodies over this are refused (413) before parsing; change requests from items fit easily. */
export const MAX_BODY_BYTES = 1_000_000;

type ErrorDetail = { path: string; message: string; line?: number; column?: number };

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function errorResponse(e: RestError): Response {
  return jsonResponse(e.status, { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }, e.headers);
}

const detailsOf = (err: ZodError): ErrorDetail[] => err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

function badInput(err: ZodError, where: string): RestError {
  return new RestError(400, "BAD_REQUEST", `Invalid ${where}.`, detailsOf(err));
}

/** A procedure's error as the API answers it; null for an unexpected fault. */
function fromTRPCError(err: unknown): RestError | null {
  if (!(err instanceof TRPCError) || err.code === "INTERNAL_SERVER_ERROR") return null;
  const details = err.cause instanceof ZodError ? detailsOf(err.cause) : undefined;
  return new RestError(getHTTPStatusCodeFromError(err), err.code, details ? "Invalid input." : err.message, details);
}

const compiled = routes.map((r) => ({
  route: r,
  pattern: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`)}$`),
}));

function match(method: string, path: string): { route: RestRoute; params: Record<string, string> } {
  const candidates = compiled.flatMap(({ route, pattern }) => {
    const m = pattern.exec(path);
    return m ? [{ route, params: m.groups ?? {} }] : [];
  });
  if (candidates.length === 0) throw new RestError(404, "NOT_FOUND", `No route ${path} under ${API_BASE}; see ${API_BASE}/openapi.json.`);
  const found = candidates.find((c) => c.route.method === method.toLowerCase());
  if (!found) {
    const allow = candidates.map((c) => c.route.method.toUpperCase()).join(", ");
    throw new RestError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed here; use ${allow}.`, undefined, { allow });
  }
  try {
    return { route: found.route, params: Object.fromEntries(Object.entries(found.params).map(([k, v]) => [k, decodeURIComponent(v)])) };
  } catch {
    throw new RestError(400, "BAD_REQUEST", "The path is not validly encoded.");
  }
}

async function readBody(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new RestError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new RestError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (text.trim() === "") throw new RestError(400, "BAD_REQUEST", "Send a JSON body.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RestError(400, "BAD_REQUEST", "The body is not valid JSON.");
  }
}

const UNAUTHORIZED_MESSAGES = {
  missing: "Send an API token: Authorization: Bearer <token>.",
  malformed: "The token is not valid.",
  unknown: "The token is not valid.",
  revoked: "The token was revoked.",
  expired: "The token has expired.",
  "user-disabled": "The token's user is disabled.",
} as const;

type UnauthorizedReason = keyof typeof UNAUTHORIZED_MESSAGES;

/**
 * The address failed authentications are counted against: the LAST X-Forwarded-For entry, as the
 * sign-in throttle reads it (apps/web/src/app/api/auth/client-address.ts): the web server listens on
 * loopback behind a proxy that appends the address it saw, and Next.js sets the header itself when a
 * request arrives without one; entries before the last are the client's word and never trusted.
 */
export function clientAddressOf(req: Request): string | null {
  const last = req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  if (!last) return null;
  return last.slice(0, 64).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").toLowerCase();
}

/** The id part of something shaped like a token (never its secret), for the audit record. */
const tokenIdOf = (bearer: string | undefined) => (bearer ? (/^sbt_([0-9a-f]{16})_/.exec(bearer)?.[1] ?? null) : null);

const tooManyFailures = (waitMs: number) =>
  new RestError(429, "TOO_MANY_REQUESTS", "Too many failed authentications from this address; wait and try again.", undefined, { "retry-after": String(Math.ceil(waitMs / 1000)) });

export function createRestHandler(opts: RestHandlerOptions = {}): (req: Request) => Promise<Response> {
  let limiter: ReturnType<typeof tokenRateLimiter> | undefined;
  let failures: ReturnType<typeof authFailureThrottle> | undefined;
  const now = opts.now ?? (() => new Date());
  const addressOf = opts.clientAddress ?? clientAddressOf;

  /** Audits a failed authentication (the reason and at most the token's id) and counts it against the address: 429 once over the limit, else 401. */
  async function refuse(db: Db, req: Request, path: string, address: string, reason: UnauthorizedReason, bearer: string | undefined): Promise<RestError> {
    const tokenId = tokenIdOf(bearer);
    try {
      await writeAudit(db, { actorId: null, action: "api.unauthorized", entityType: "apiToken", entityId: tokenId ?? "none", after: { reason, tokenId, address, method: req.method, path } });
    } catch (err) {
      opts.onError?.(err, null);
    }
    failures ??= authFailureThrottle(db, opts.authFailureLimit ?? AUTH_FAILURE_LIMIT);
    const waitMs = await failures.failed(address);
    if (waitMs !== null) return tooManyFailures(waitMs);
    const challenge = reason === "missing" ? "Bearer" : 'Bearer error="invalid_token"';
    return new RestError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGES[reason], undefined, { "www-authenticate": challenge });
  }

  return async (req) => {
    const db = opts.db ?? getDb();
    const url = new URL(req.url);
    const path = url.pathname.startsWith(API_BASE) ? url.pathname.slice(API_BASE.length) || "/" : url.pathname;
    let audit: { userId: string; tokenId: string; operationId: string | null } | null = null;
    let response: Response;
    try {
      if (path === "/openapi.json" && req.method === "GET") return jsonResponse(200, openApiDocument(), { "cache-control": "public, max-age=300" });
      const { route, params } = match(req.method, path);

      // An address that used up its failed authentications is refused before its token is even checked.
      const address = addressOf(req) ?? "unknown";
      failures ??= authFailureThrottle(db, opts.authFailureLimit ?? AUTH_FAILURE_LIMIT);
      const blockedMs = await failures.blocked(address);
      if (blockedMs !== null) throw tooManyFailures(blockedMs);
      const header = req.headers.get("authorization") ?? "";
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (!bearer) throw await refuse(db, req, url.pathname, address, "missing", undefined);
      const auth = await authenticateToken(db, bearer, now());
      if (!auth.ok) throw await refuse(db, req, url.pathname, address, auth.reason, bearer);

      limiter ??= tokenRateLimiter(db, opts.rateLimit ?? DEFAULT_RATE_LIMIT);
      const waitMs = await limiter(auth.token.id);
      if (waitMs !== null) {
        throw new RestError(429, "TOO_MANY_REQUESTS", "Too many requests with this token; wait and try again.", undefined, { "retry-after": String(Math.ceil(waitMs / 1000)) });
      }
      audit = { userId: auth.user.id, tokenId: auth.token.id, operationId: route.operationId };

      const parsed = {
        params: route.params ? route.params.safeParse(params) : { success: true as const, data: {} },
        query: route.query ? route.query.safeParse(Object.fromEntries(url.searchParams)) : { success: true as const, data: {} },
      };
      if (!parsed.params.success) throw badInput(parsed.params.error, "path");
      if (!parsed.query.success) throw badInput(parsed.query.error, "query");
      let body: unknown;
      if (route.body) {
        const result = route.body.safeParse(await readBody(req));
        if (!result.success) throw badInput(result.error, "body");
        body = result.data;
      }

      let result: unknown;
      if (route.operationId === "getMe") {
        result = { user: auth.user, token: auth.token };
      } else {
        const ctx = createContextInner({ db, user: auth.user });
        // The request's signal reaches the procedures: a long wait stops when the client goes away.
        const caller = createCaller(opts.connectFor ? withConnect(ctx, opts.connectFor) : ctx, { signal: req.signal });
        try {
          result = await route.call(caller, { params: parsed.params.data, query: parsed.query.data, body }, API_BASE, opts.publicUrl ?? "");
        } catch (err) {
          if (err instanceof InputProblems) {
            const details = err.problems.map((p) => ({ path: p.path ?? "", message: p.message, ...(p.line !== null ? { line: p.line } : {}), ...(p.column !== null ? { column: p.column } : {}) }));
            throw new RestError(400, "BAD_REQUEST", err.message, details);
          }
          const known = fromTRPCError(err);
          if (known) throw known;
          throw err;
        }
      }
      // Only what the response schema declares is sent (dates as ISO strings).
      const out = route.response.safeParse(JSON.parse(JSON.stringify(result ?? null)));
      if (!out.success) throw new Error(`${route.operationId}: the answer does not match its schema: ${out.error.message}`);
      const status = route.statusOf?.(out.data) ?? route.status;
      const statusUrl = (out.data as { statusUrl?: string | null }).statusUrl;
      response = jsonResponse(status, out.data, status === 202 && statusUrl ? { location: statusUrl } : {});
    } catch (err) {
      if (!(err instanceof RestError)) opts.onError?.(err, audit?.operationId ?? null);
      response = errorResponse(err instanceof RestError ? err : new RestError(500, "INTERNAL_SERVER_ERROR", "Something went wrong on the server; it was logged."));
    }
    if (audit) {
      try {
        await writeAudit(db, {
          actorId: audit.userId,
          action: "api.call",
          entityType: "apiToken",
          entityId: audit.tokenId,
          after: { tokenId: audit.tokenId, operationId: audit.operationId, method: req.method, path: url.pathname, status: response.status },
        });
      } catch (err) {
        opts.onError?.(err, audit.operationId);
      }
    }
    return response;
  };
}
