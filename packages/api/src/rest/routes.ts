/**
 * The REST API's routes. Each calls one tRPC procedure through a server-side caller, so the REST API
 * and the web app run the same input schemas, the same authorization builders and the same use case:
 * they cannot diverge. The zod schemas here (inputs shared with the routers where they take a body)
 * are also what the OpenAPI document is generated from.
 */
import { z } from "zod";
import { CHANGE_REQUEST_STATUSES, HEALTH_STATES, INCIDENT_STATES } from "@switchboard/db/enums";
import { isFinalOperationStatus, MAX_OPERATION_WAIT_SECONDS, type OperationView } from "@switchboard/domain/operation-status";
import { DEFAULT_SYNC_WAIT_SECONDS, MAX_SYNC_WAIT_SECONDS } from "@switchboard/domain/sync";
import type { createCaller } from "../root";
import { createChangeRequestInput, reviewInput, syncInput, syncWait } from "../routers/change-request";
import * as s from "./schemas";

type Caller = ReturnType<typeof createCaller>;

const id = z.string().min(1).max(100).meta({ description: "The object's id." });
const idParams = z.object({ id });
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export type RouteInput = { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown };

export type RestRoute = {
  method: "get" | "post";
  /** OpenAPI path under the base path, with `{name}` parameters. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201 | 202;
  response: z.ZodType;
  /** When the answer is this status instead of `status` (e.g. 200 when there was nothing to do). */
  statusOf?: (answer: unknown) => 200 | 201 | 202;
  /** What a 200 from `statusOf` means (the document's description; default: nothing was left to do). */
  statusOfDescription?: string;
  /** Calls the procedure; `base` is the API's base URL path and `web` the app's public URL, for links in the answer. */
  call: (caller: Caller, input: RouteInput, base: string, web: string) => Promise<unknown>;
};

/** Bad input found by the use case (a state file's problems): 400 with one detail per problem. */
export class InputProblems extends Error {
  constructor(readonly problems: Array<{ message: string; path: string | null; line: number | null; column: number | null }>) {
    super("The state file is not valid.");
  }
}

const route = (r: RestRoute) => r;
const str = (v: unknown) => v as string;

const operationUrl = (base: string, id: string) => `${base}/operations/${id}`;

/** An operation with the links a client follows from it. */
function withLinks(op: OperationView, base: string) {
  return {
    ...op,
    links: {
      self: operationUrl(base, op.id),
      deployment: `${base}/deployments/${op.id}`,
      report: isFinalOperationStatus(op.status) ? `${base}/deployments/${op.id}/report` : null,
      changeRequest: `${base}/change-requests/${op.changeRequestId}`,
    },
  };
}

/** `POST /clusters/{id}/sync`'s body: the sync input, `wait` optional so the query's can apply (the default is the procedure's). */
const syncBody = syncInput
  .omit({ clusterId: true, wait: true })
  .extend({ wait: syncWait.optional().meta({ description: `Seconds to wait for a queued deploy to end (0-${MAX_SYNC_WAIT_SECONDS}, default ${DEFAULT_SYNC_WAIT_SECONDS}; 0: answer 202 once it is queued).` }) });

/** `POST /clusters/{id}/validate`'s body: the file, and the team new connectors would belong to (as for sync). */
const validateBody = syncInput.pick({ text: true, teamId: true });

/** The plan preview as answered: actions without configs, key changes (secrets only as sensitive), the verdicts. */
function previewAnswer(p: Awaited<ReturnType<Caller["changeRequest"]["preview"]>>) {
  if (!p.ok) return p;
  return {
    ok: true as const,
    source: p.source,
    valid: p.valid,
    actions: p.plan?.actions ?? [],
    summary: p.plan?.summary ?? null,
    topicsToCreate: p.plan?.topicsToCreate ?? [],
    topicsToDelete: p.plan?.topicsToDelete ?? [],
    problems: p.problems,
    risks: p.risks,
    conflicts: p.conflicts,
  };
}

export const routes: RestRoute[] = [
  route({
    method: "get",
    path: "/me",
    operationId: "getMe",
    summary: "Who this token acts as: its user, the role and teams it has now.",
    tag: "Tokens",
    status: 200,
    response: s.meSchema,
    call: async () => undefined, // answered by the handler, which knows the token
  }),
  route({ method: "get", path: "/clusters", operationId: "listClusters", summary: "Every cluster.", tag: "Clusters", status: 200, response: z.object({ items: z.array(s.clusterSchema) }), call: async (c) => ({ items: await c.cluster.list() }) }),
  route({ method: "get", path: "/clusters/{id}", operationId: "getCluster", summary: "One cluster.", tag: "Clusters", params: idParams, status: 200, response: s.clusterSchema, call: (c, i) => c.cluster.byId({ id: str(i.params.id) }) }),
  route({
    method: "get",
    path: "/connectors",
    operationId: "listConnectors",
    summary: "Connectors with their health, failing first, with counts per state.",
    tag: "Connectors",
    query: z.object({
      page,
      pageSize: pageSize(200, 50),
      state: z.enum([...HEALTH_STATES, "UNKNOWN"]).optional(),
      teamId: id.optional(),
      clusterId: id.optional(),
      search: z.string().trim().max(200).optional().meta({ description: "By name, team, class or topic." }),
    }),
    status: 200,
    response: s.connectorPageSchema,
    call: (c, i) => c.connector.board(i.query as Parameters<Caller["connector"]["board"]>[0]),
  }),
  route({ method: "get", path: "/connectors/{id}", operationId: "getConnector", summary: "One connector: masked config, health, incidents.", tag: "Connectors", params: idParams, status: 200, response: s.connectorSchema, call: (c, i) => c.connector.byId({ id: str(i.params.id) }) }),
  route({
    method: "get",
    path: "/connectors/{id}/status",
    operationId: "getConnectorStatus",
    summary: "The connector's status read from its cluster now, each task's state and failed tasks' traces.",
    tag: "Connectors",
    params: idParams,
    status: 200,
    response: s.liveStatusSchema,
    call: (c, i) => c.connector.liveStatus({ id: str(i.params.id) }),
  }),
  route({
    method: "get",
    path: "/change-requests",
    operationId: "listChangeRequests",
    summary: "Change requests, newest activity first, with counts per status.",
    tag: "Change requests",
    query: z.object({ page, pageSize: pageSize(200, 25), status: z.enum(CHANGE_REQUEST_STATUSES).optional(), clusterId: id.optional() }),
    status: 200,
    response: s.changeRequestPageSchema,
    call: (c, i) => c.changeRequest.list(i.query as Parameters<Caller["changeRequest"]["list"]>[0]),
  }),
  route({
    method: "post",
    path: "/change-requests",
    operationId: "createChangeRequest",
    summary: "A new draft from items (create, update, delete, pause, resume, stop, restart, move). Which keys are secret is asked of the cluster.",
    tag: "Change requests",
    body: createChangeRequestInput,
    status: 201,
    response: s.createdSchema,
    call: async (c, i, base) => {
      const { id: created } = await c.changeRequest.create(i.body as z.input<typeof createChangeRequestInput>);
      return { id: created, url: `${base}/change-requests/${created}` };
    },
  }),
  route({ method: "get", path: "/change-requests/{id}", operationId: "getChangeRequest", summary: "One change request: items with key-level diffs (secrets only as sensitive), reviews, approvals, what the caller may do.", tag: "Change requests", params: idParams, status: 200, response: s.changeRequestSchema, call: (c, i) => c.changeRequest.byId({ id: str(i.params.id) }) }),
  route({
    method: "post",
    path: "/change-requests/{id}/submit",
    operationId: "submitChangeRequest",
    summary: "Submits a draft for review (its author or an admin).",
    tag: "Change requests",
    params: idParams,
    status: 200,
    response: s.statusSchema,
    call: async (c, i) => {
      await c.changeRequest.submit({ id: str(i.params.id) });
      return { status: (await c.changeRequest.byId({ id: str(i.params.id) })).status };
    },
  }),
  route({
    method: "post",
    path: "/change-requests/{id}/reviews",
    operationId: "reviewChangeRequest",
    summary: "Approve or reject (approvers who wrote no revision of it), or comment. Rejecting needs a comment.",
    tag: "Change requests",
    params: idParams,
    body: reviewInput,
    status: 200,
    response: s.statusSchema,
    call: (c, i) => c.changeRequest.review({ id: str(i.params.id), ...(i.body as z.input<typeof reviewInput>) }),
  }),
  route({
    method: "post",
    path: "/change-requests/{id}/cancel",
    operationId: "cancelChangeRequest",
    summary: "Cancels a change request (its author or an admin) unless it is deploying, deployed or already cancelled.",
    tag: "Change requests",
    params: idParams,
    status: 200,
    response: s.statusSchema,
    call: async (c, i) => {
      await c.changeRequest.cancel({ id: str(i.params.id) });
      return { status: (await c.changeRequest.byId({ id: str(i.params.id) })).status };
    },
  }),
  route({
    method: "get",
    path: "/change-requests/{id}/plan",
    operationId: "getChangeRequestPlan",
    summary: "The plan a deploy would run now against the live cluster (once ended: the plan it ran), with the cluster validator's problems, conflicts and risks. Secrets masked.",
    tag: "Change requests",
    params: idParams,
    status: 200,
    response: s.planPreviewSchema,
    call: async (c, i) => previewAnswer(await c.changeRequest.preview({ id: str(i.params.id) })),
  }),
  route({
    method: "post",
    path: "/change-requests/{id}/deploy",
    operationId: "deployChangeRequest",
    summary: "Queues the deploy of an approved change request. Answers 202 at once with the operation (also in `Location`); poll or wait on it.",
    tag: "Change requests",
    params: idParams,
    status: 202,
    response: s.deployAcceptedSchema,
    call: async (c, i, base) => {
      const { deploymentId } = await c.changeRequest.deploy({ id: str(i.params.id) });
      return { operationId: deploymentId, deploymentId, status: "queued", statusUrl: operationUrl(base, deploymentId), deploymentUrl: `${base}/deployments/${deploymentId}` };
    },
  }),
  route({
    method: "post",
    path: "/clusters/{id}/sync",
    operationId: "syncStateFile",
    summary: `Seed 001's sync: a state file (canonical or seed shape) becomes a change request submitted for review, answered with the sync lists from its plan against the live cluster. When the cluster needs no approval (and mode is sync) its deploy is queued and waited on for up to \`wait\` seconds (body or query; 0-${MAX_SYNC_WAIT_SECONDS}, default ${DEFAULT_SYNC_WAIT_SECONDS}): ended within it, 200 with outcome deployed or failed and the deployment's report (a failed deploy is a 200 too: read \`outcome\`); else 202 with the operation (operationId, Location), which goes on. Otherwise (approval needed, or mode propose) 202 with the change request's review link, at once. Nothing to change: 200. Connectors missing from the file are left alone. A file with problems: 400, one detail per problem (line:col), nothing created.`,
    tag: "Clusters",
    params: idParams,
    query: z.object({ wait: z.coerce.number().pipe(syncWait).optional().meta({ description: "As the body's wait (the body's wins when both are sent)." }) }),
    body: syncBody,
    status: 202,
    statusOf: (answer) => (["unchanged", "deployed", "failed"].includes((answer as { outcome: string }).outcome) ? 200 : 202),
    statusOfDescription: "Done: nothing was left to do (unchanged), or the deploy ended within the wait (deployed or failed, with its report).",
    response: s.syncSchema,
    call: async (c, i, base, web) => {
      const { wait, ...body } = i.body as z.output<typeof syncBody>;
      const result = await c.changeRequest.syncStateFile({ clusterId: str(i.params.id), ...body, wait: wait ?? (i.query.wait as number | undefined) });
      if (!result.ok) throw new InputProblems(result.problems);
      const { changeRequestId: crId, deploymentId } = result;
      return {
        outcome: result.outcome,
        ...result.lists,
        changeRequestId: crId,
        deploymentId,
        operationId: deploymentId,
        reviewUrl: crId ? `${web.replace(/\/+$/, "")}/changes/${crId}` : null,
        changeRequestUrl: crId ? `${base}/change-requests/${crId}` : null,
        statusUrl: deploymentId ? operationUrl(base, deploymentId) : crId ? `${base}/change-requests/${crId}` : null,
        plan: result.plan?.actions ?? [],
        blockers: result.blockers,
        report: result.report,
      };
    },
  }),
  route({
    method: "post",
    path: "/clusters/{id}/validate",
    operationId: "validateStateFile",
    summary:
      "Checks a state file (canonical or seed shape) as sync would, creating nothing: 200 with what it would create, update and leave unchanged, or 400 with one detail per problem (line:col), as sync answers.",
    tag: "Clusters",
    params: idParams,
    body: validateBody,
    status: 200,
    response: s.stateFileCheckSchema,
    call: async (c, i) => {
      const body = i.body as z.output<typeof validateBody>;
      const result = await c.changeRequest.importStateFile({ clusterId: str(i.params.id), text: body.text, teamId: body.teamId, title: "Validate a state file", dryRun: true });
      if (!result.ok) throw new InputProblems(result.problems);
      const namesOf = (action: string) => result.entries.filter((e) => e.action === action).map((e) => e.name);
      return { valid: true, create: namesOf("create"), update: namesOf("update"), unchanged: namesOf("unchanged"), entries: result.entries };
    },
  }),
  route({
    method: "get",
    path: "/operations/{id}",
    operationId: "getOperation",
    summary: `Long work and where it stands. An operation is a deployment (same id; whoever may read the deployment may read it). status: ${s.OPERATION_STATUS_DESCRIPTION} With \`wait\` (seconds, at most ${MAX_OPERATION_WAIT_SECONDS}) it answers as soon as the status is ready or failed, or when the time has passed.`,
    tag: "Operations",
    params: idParams,
    query: z.object({
      wait: z.coerce.number().int().min(0).max(MAX_OPERATION_WAIT_SECONDS, `At most ${MAX_OPERATION_WAIT_SECONDS} seconds.`).default(0).meta({ description: "Seconds to wait for a final status (ready or failed)." }),
    }),
    status: 200,
    response: s.operationSchema,
    call: async (c, i, base) => withLinks(await c.deployment.operation({ id: str(i.params.id), wait: i.query.wait as number }), base),
  }),
  route({
    method: "get",
    path: "/deployments",
    operationId: "listDeployments",
    summary: "Deployments, newest first (50 a page).",
    tag: "Deployments",
    query: z.object({ changeRequestId: id.optional(), clusterId: id.optional(), page }),
    status: 200,
    response: s.deploymentListSchema,
    call: async (c, i) => ({ items: await c.deployment.list(i.query as Parameters<Caller["deployment"]["list"]>[0]) }),
  }),
  route({
    method: "get",
    path: "/deployments/{id}",
    operationId: "getDeployment",
    summary: "A deployment's status and progress; once it ended (succeeded or failed), its report.",
    tag: "Deployments",
    params: idParams,
    status: 200,
    response: s.deploymentSchema,
    call: (c, i) => c.deployment.byId({ id: str(i.params.id) }),
  }),
  route({
    method: "get",
    path: "/deployments/{id}/report",
    operationId: "getDeploymentReport",
    summary: "The report of a deployment that ended (404 while it runs).",
    tag: "Deployments",
    params: idParams,
    status: 200,
    response: s.reportSchema,
    call: (c, i) => c.deployment.report({ id: str(i.params.id) }),
  }),
  route({
    method: "get",
    path: "/incidents",
    operationId: "listIncidents",
    summary: "Incidents (a connector or task FAILED, or drift), newest first.",
    tag: "Incidents",
    query: z.object({ state: z.enum(INCIDENT_STATES).optional(), clusterId: id.optional(), connectorId: id.optional(), page, pageSize: pageSize(200, 50) }),
    status: 200,
    response: s.incidentPageSchema,
    call: (c, i) => c.incident.list(i.query as Parameters<Caller["incident"]["list"]>[0]),
  }),
];
