/** The OpenAPI 3.1 document of /api/v1, generated from the routes' zod schemas (zod-openapi). */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { routes } from "./routes";
import { errorSchema } from "./schemas";

export const API_BASE = "/api/v1";

/** Requests per token per minute (see the handler's rate limit). */
export const DEFAULT_RATE_LIMIT = { points: 300, durationSeconds: 60 } as const;

const json = (schema: typeof errorSchema | (typeof routes)[number]["response"]) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(errorSchema) });

const DESCRIPTION = `Switchboard's automation API. Authenticate with a personal API token (created under *Settings → API tokens*)
sent as \`Authorization: Bearer sbt_…\`. A token acts with the lower of its own role and its user's current role, and, when
limited to teams, only for those teams. Every call is audited under the token and its user.

**Errors** all have one shape: \`{ "error": { "code", "message", "details"? } }\` (\`details\`: one entry per bad field).

**Rate limit**: ${DEFAULT_RATE_LIMIT.points} requests per token per ${DEFAULT_RATE_LIMIT.durationSeconds} s; over it, 429 with \`Retry-After\` (seconds).

**Long work is asynchronous.** \`POST /change-requests/{id}/deploy\` answers 202 with the deployment id and its status URL.
Poll \`GET /deployments/{id}\`: \`status\` goes queued → running → succeeded | failed; once it ended the answer carries the report.
A change request goes draft → in_review (submit) → approved (reviews) → deploying (deploy) → deployed | failed.

**Sync** (\`POST /clusters/{id}/sync\`, seed 001): a state file becomes a change request submitted for review; the answer's lists
come from its plan against the live cluster. If the cluster needs no approval its deploy is queued and the answer is 202 with
the deployment's status URL (poll it as above); otherwise 202 with the change request's review link. With \`mode: "propose"\`
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
        [String(r.status)]: { description: r.status === 202 ? "Accepted: the work goes on asynchronously." : "OK", content: json(r.response) },
        ...(r.statusOf ? { "200": { description: "Done: nothing was left to do.", content: json(r.response) } } : {}),
        ...(r.body || r.query || r.params ? { "400": error("Bad input (the body is not JSON, or a field is invalid).") } : {}),
        ...(r.body ? { "413": error("The body is larger than 1 MB.") } : {}),
        "401": error("No token, a malformed one, or a token that is unknown, revoked, expired, or whose user is disabled."),
        "403": error("The token (its role, its teams, or its user) may not do this."),
        ...(r.params ? { "404": error("No such object.") } : {}),
        ...(r.method === "post" ? { "409": error("A conflict with the current state."), "412": error("Not possible in the object's current state (the message says why).") } : {}),
        "429": {
          description: "Over the token's rate limit.",
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
