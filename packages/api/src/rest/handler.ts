/**
 * The /api/v1 handler: a fetch `Request` → `Response` function (the web app mounts it in one route
 * file; tests call it directly). Per call: bearer token → the user it acts as now, the token's rate
 * limit, input checked against the route's schemas, the route's procedure, the answer parsed through
 * its response schema, and an audit event under the token and its user.
 */
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { getDb, type Db } from "@switchboard/db/client";
import { tokenRateLimiter, type RequestLimit } from "@switchboard/db/repos/api-tokens";
import { writeAudit } from "@switchboard/db/repos/audit";
import { authenticateToken } from "@switchboard/domain/api-tokens";
import { withConnect, type ConnectFactory } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";
import { API_BASE, DEFAULT_RATE_LIMIT, openApiDocument } from "./openapi";
import { InputProblems, routes, type RestRoute } from "./routes";

export type RestHandlerOptions = {
  db?: Db;
  /** Tests: a fake Kafka Connect. */
  connectFor?: ConnectFactory;
  rateLimit?: RequestLimit;
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

export function createRestHandler(opts: RestHandlerOptions = {}): (req: Request) => Promise<Response> {
  let limiter: ReturnType<typeof tokenRateLimiter> | undefined;
  const now = opts.now ?? (() => new Date());

  return async (req) => {
    const db = opts.db ?? getDb();
    const url = new URL(req.url);
    const path = url.pathname.startsWith(API_BASE) ? url.pathname.slice(API_BASE.length) || "/" : url.pathname;
    let audit: { userId: string; tokenId: string; operationId: string | null } | null = null;
    let response: Response;
    try {
      if (path === "/openapi.json" && req.method === "GET") return jsonResponse(200, openApiDocument(), { "cache-control": "public, max-age=300" });
      const { route, params } = match(req.method, path);

      const header = req.headers.get("authorization") ?? "";
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (!bearer) throw new RestError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGES.missing, undefined, { "www-authenticate": "Bearer" });
      const auth = await authenticateToken(db, bearer, now());
      if (!auth.ok) throw new RestError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGES[auth.reason], undefined, { "www-authenticate": 'Bearer error="invalid_token"' });

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
        const caller = createCaller(opts.connectFor ? withConnect(ctx, opts.connectFor) : ctx);
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
