/** The OpenAPI 3.1 document of /api/v1, generated from the routes' zod schemas (zod-openapi). */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { routes } from "./routes";
import { errorSchema } from "./schemas";

export const API_BASE = "/api/v1";

/** Requests per token per minute (see the handler's rate limit; the web app's SWITCHBOARD_API_RATE_LIMIT changes it). */
export const DEFAULT_RATE_LIMIT = { points: 300, durationSeconds: 60 } as const;

/** Failed authentications per client address per minute; over it, 429 before any token is checked. */
export const AUTH_FAILURE_LIMIT = { points: 30, durationSeconds: 60 } as const;

const json = (schema: typeof errorSchema | (typeof routes)[number]["response"]) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(errorSchema) });

const DESCRIPTION = `Switchboard's automation API. Authenticate with a personal API token (created under *Settings → API tokens*)
sent as \`Authorization: Bearer sbt_…\`. A token acts with the lower of its own role and its user's current role, and, when
limited to teams, only for those teams. Every call is audited under the token and its user.

**Errors** all have one shape: \`{ "error": { "code", "message", "details"? } }\` (\`details\`: one entry per bad field).

**Rate limits**: ${DEFAULT_RATE_LIMIT.points} requests per token per ${DEFAULT_RATE_LIMIT.durationSeconds} s by default (the server's
\`SWITCHBOARD_API_RATE_LIMIT\`); ${AUTH_FAILURE_LIMIT.points} failed authentications per client address per ${AUTH_FAILURE_LIMIT.durationSeconds} s, after which
that address is refused before its token is checked. Over either, 429 with \`Retry-After\` (seconds). Failed authentications are
audited (\`api.unauthorized\`, with the reason and at most the token's id, never its secret).

**Long work is asynchronous.** \`POST /change-requests/{id}/deploy\` (and a sync whose deploy outlasts its wait) answers 202 with an
\`operationId\` and \`Location: /api/v1/operations/{id}\`. \`GET /operations/{id}\` (optionally \`?wait=<seconds>\`, at most 30: answers
as soon as the status is final) tells where it stands: accepted (queued) → preparing (planning, applying) → provisioned (every
step applied, verifying) → ready; or failed; a deploy that only deletes connectors is deleting until the cluster confirmed them
gone. An operation is a deployment (same id): \`GET /deployments/{id}\` has the per-connector progress and, once it ended, the report.
A change request goes draft → in_review (submit) → approved (reviews) → deploying (deploy) → deployed | failed; cancel ends it before.

**Deletion is soft until the cluster confirms.** While a change request deleting a connector deploys, \`GET /connectors/{id}\`
answers it with \`lifecycle: "deleting"\`; once the deploy verified it gone from the cluster it is marked deleted (the record is
kept for its history and audit) and \`GET /connectors/{id}\` answers 404.

**Sync** (\`POST /clusters/{id}/sync\`, seed 001): a state file becomes a change request submitted for review; the answer's lists
come from its plan against the live cluster. If the cluster needs no approval its deploy is queued and waited on for up to
\`wait\` seconds (0-60, default 30): ended by then, 200 with \`outcome\` deployed or failed and the deployment's report; else 202
with the operation (poll or wait on it as above; the deploy goes on). Otherwise 202 with the change request's review link. With \`mode: "propose"\`
it never deploys. Problems in the file: 400 with one detail per problem (line and column), nothing created.`;

let cached: ReturnType<typeof createDocument> | undefined;

/** The document (built once per process: the routes never change at run time). */
export function openApiDocument(): ReturnType<typeof createDocument> {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const operation: ZodOpenApiOperationObject = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      requestParams: { ...(r.params ? { path: r.params } : {}), ...(r.query ? { query: r.query } : {}) },
      ...(r.body ? { requestBody: { required: true, content: json(r.body) } } : {}),
      responses: {
        [String(r.status)]:
          r.status === 202
            ? { description: "Accepted: the work goes on asynchronously.", headers: { Location: { description: "Where to follow it: the operation when one was started.", schema: { type: "string" } } }, content: json(r.response) }
            : { description: "OK", content: json(r.response) },
        ...(r.statusOf ? { "200": { description: r.statusOfDescription ?? "Done: nothing was left to do.", content: json(r.response) } } : {}),
        ...(r.body || r.query || r.params ? { "400": error("Bad input (the body is not JSON, or a field is invalid).") } : {}),
        ...(r.body ? { "413": error("The body is larger than 1 MB.") } : {}),
        "401": error("No token, a malformed one, or a token that is unknown, revoked, expired, or whose user is disabled."),
        "403": error("The token (its role, its teams, or its user) may not do this."),
        ...(r.params ? { "404": error("No such object.") } : {}),
        ...(r.method === "post" ? { "409": error("A conflict with the current state."), "412": error("Not possible in the object's current state (the message says why).") } : {}),
        "429": {
          description: "Over the token's rate limit, or too many failed authentications from this address.",
          headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } },
          content: json(errorSchema),
        },
        "500": error("An unexpected fault (logged on the server)."),
      },
    };
    (paths[`${API_BASE}${r.path}`] ??= {})[r.method] = operation;
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: { title: "Switchboard API", version: "1", description: DESCRIPTION },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token: sbt_<id>_<secret>." } } },
    paths,
  });
  return cached;
}
