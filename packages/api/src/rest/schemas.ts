/**
 * What the REST API answers, as zod schemas: the OpenAPI document is generated from them, and every
 * answer is parsed through its route's schema before it is sent, so a field that is not declared
 * here (an internal column, anything secret) cannot reach a client.
 */
import { z } from "zod";
import { CHANGE_REQUEST_STATUSES, DEPLOYMENT_STATUSES, DESIRED_STATES, HEALTH_STATES, INCIDENT_STATES, ROLES } from "@switchboard/db/enums";
import { OPERATION_STATUSES } from "@switchboard/domain/operation-status";

const dateTime = z.iso.datetime();
const nullableDate = dateTime.nullable();
const ref = z.object({ id: z.string(), name: z.string() });
const person = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "A stable code: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, CONFLICT, PRECONDITION_FAILED, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, BAD_GATEWAY, TIMEOUT, INTERNAL_SERVER_ERROR." }),
      message: z.string().meta({ description: "A sentence for people; never a stack trace." }),
      details: z
        .array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() }))
        .optional()
        .meta({ description: "Bad input: one entry per field (dotted path); for a state file, its line and column where known." }),
    }),
  })
  .meta({ id: "Error", description: "Every error the API answers has this shape." });

export const clusterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    environment: z.string(),
    connectUrls: z.array(z.string()),
    bootstrapServers: z.string().nullable(),
    approvalsRequired: z.number().int(),
    monitorIntervalSeconds: z.number().int(),
    requestTimeoutSeconds: z.number().int(),
    gitRepository: z.string().nullable().meta({ description: "Git repository each deployed change's state file is committed to (a path or a URL without credentials); null: no mirror." }),
    gitBranch: z.string().nullable().meta({ description: "Its branch; null: main." }),
    gitPath: z.string().nullable().meta({ description: "The state file's path in the repository; null: clusters/<name>.json." }),
    gitCommit: z.string().nullable().meta({ description: "The last commit Switchboard wrote there (or found in step)." }),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .meta({ id: "Cluster" });

const healthState = z.enum([...HEALTH_STATES, "UNKNOWN"]);

export const connectorRowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    cluster: z.object({ id: z.string(), name: z.string(), environment: z.string() }),
    team: ref,
    state: healthState.meta({ description: "Observed state; UNKNOWN until the monitor has seen it." }),
    tasksRunning: z.number().int(),
    tasksTotal: z.number().int(),
    tasksFailed: z.number().int(),
    lastFailureAt: nullableDate,
    lastFailureLine: z.string().nullable(),
    desiredState: z.enum(DESIRED_STATES),
    version: z.number().int(),
    deployedVersion: z.number().int().nullable(),
    connectorClass: z.string(),
    labels: z.array(z.string()),
    driftedAt: nullableDate,
  })
  .meta({ id: "ConnectorSummary" });

export const connectorPageSchema = z.object({ items: z.array(connectorRowSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), counts: z.record(z.string(), z.number().int()) });

const incidentFields = {
  id: z.string(),
  kind: z.string(),
  state: z.enum(INCIDENT_STATES),
  openedAt: dateTime,
  closedAt: nullableDate,
  trace: z.string().nullable().meta({ description: "The failed task's trace, secrets redacted." }),
  restartAttempts: z.number().int(),
  notifiedAt: nullableDate,
};

export const connectorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    connectorClass: z.string(),
    topics: z.string(),
    lifecycle: z.enum(["active", "deleting"]).meta({
      description: "deleting: a change request that deletes it is deploying; it is marked deleted (and this answer becomes 404) only once the deploy verified it gone from the cluster.",
    }),
    deletion: z.object({ changeRequestId: z.string() }).nullable().meta({ description: "The change request deleting it, while lifecycle is deleting." }),
    team: ref.nullable(),
    cluster: z.object({ id: z.string(), name: z.string(), environment: z.string() }).nullable(),
    desiredState: z.enum(DESIRED_STATES),
    version: z.number().int(),
    deployedVersion: z.number().int().nullable(),
    config: z.record(z.string(), z.string()).meta({ description: "Secret values are masked." }),
    secretKeys: z.array(z.string()),
    labels: z.array(z.string()),
    health: z
      .object({ state: z.enum(HEALTH_STATES), tasksRunning: z.number().int(), tasksTotal: z.number().int(), tasksFailed: z.number().int(), lastFailureAt: nullableDate, lastTrace: z.string().nullable(), observedAt: dateTime })
      .nullable(),
    incidents: z.array(z.object(incidentFields)),
    createdAt: dateTime,
    updatedAt: dateTime,
  })
  .meta({ id: "Connector" });

const liveTask = z.object({ id: z.number().int(), state: z.string(), workerId: z.string().nullable(), trace: z.string().nullable() });
export const liveStatusSchema = z
  .union([
    z.object({ ok: z.literal(true), onCluster: z.literal(true), state: z.string(), workerId: z.string().nullable(), trace: z.string().nullable(), tasks: z.array(liveTask) }),
    z.object({ ok: z.literal(true), onCluster: z.literal(false) }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ])
  .meta({ id: "ConnectorStatus", description: "Read from the cluster now; `ok: false` when the cluster did not answer." });

const changeRequestFields = {
  id: z.string(),
  title: z.string(),
  rationale: z.string(),
  status: z.enum(CHANGE_REQUEST_STATUSES),
  statusNote: z.string().nullable(),
  revision: z.number().int(),
  author: person,
  cluster: z.object({ id: z.string(), name: z.string(), environment: z.string(), approvalsRequired: z.number().int() }),
  createdAt: dateTime,
  updatedAt: dateTime,
  submittedAt: nullableDate,
  decidedAt: nullableDate,
  deployedAt: nullableDate,
};

export const changeRequestSummarySchema = z.object(changeRequestFields).meta({ id: "ChangeRequestSummary" });

export const changeRequestPageSchema = z.object({
  items: z.array(changeRequestSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
});

const permission = z.object({ allowed: z.boolean(), reason: z.string().nullable() });

export const changeRequestSchema = z
  .object({
    ...changeRequestFields,
    items: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        connectorId: z.string().nullable(),
        connectorName: z.string(),
        team: ref.nullable(),
        stateChange: z.object({ before: z.enum(DESIRED_STATES).nullable(), after: z.enum(DESIRED_STATES).nullable() }).nullable(),
        diff: z
          .array(z.object({ key: z.string(), status: z.enum(["added", "removed", "changed", "unchanged"]), before: z.string().nullable(), after: z.string().nullable(), sensitive: z.boolean() }))
          .meta({ description: "Key-level diff; secrets are only `sensitive` with null values." }),
        stale: z.boolean(),
      }),
    ),
    reviews: z.array(z.object({ id: z.string(), reviewer: person, decision: z.string(), comment: z.string(), revision: z.number().int(), createdAt: dateTime, dismissed: z.boolean(), counted: z.boolean() })),
    approvals: z.object({ count: z.number().int(), required: z.number().int() }),
    permissions: z.record(z.string(), permission).meta({ description: "What the caller may do now, each with the reason when not." }),
    deployments: z.array(z.object({ id: z.string(), status: z.enum(DEPLOYMENT_STATUSES), createdAt: dateTime, startedAt: nullableDate, finishedAt: nullableDate })),
  })
  .meta({ id: "ChangeRequest" });

export const createdSchema = z.object({ id: z.string(), url: z.string().meta({ description: "Where to read it." }) });
export const statusSchema = z.object({ status: z.enum(CHANGE_REQUEST_STATUSES) });

export const deployAcceptedSchema = z
  .object({
    operationId: z.string().meta({ description: "The operation (its id is the deployment's id)." }),
    deploymentId: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    statusUrl: z.string().meta({ description: "The operation (also in `Location`): poll it (GET, optionally `?wait=30`) until `status` is ready or failed." }),
    deploymentUrl: z.string().meta({ description: "The deployment: progress per connector and, once it ended, the report." }),
  })
  .meta({ id: "DeployAccepted" });

const deploymentFields = { id: z.string(), changeRequestId: z.string(), clusterId: z.string(), status: z.enum(DEPLOYMENT_STATUSES), createdAt: dateTime, startedAt: nullableDate, finishedAt: nullableDate };
export const deploymentListSchema = z.object({ items: z.array(z.object(deploymentFields).meta({ id: "DeploymentSummary" })) });

const reportSummary = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  updated: z.array(z.string()),
  paused: z.array(z.string()),
  resumed: z.array(z.string()),
  stopped: z.array(z.string()),
  restarted: z.array(z.string()),
  skipped: z.array(z.unknown()),
  unmanaged: z.array(z.unknown()),
  topicsCreated: z.array(z.unknown()),
  topicsDeleted: z.array(z.unknown()),
});

export const reportSchema = z
  .object({
    deploymentId: z.string(),
    outcome: z.enum(["succeeded", "failed"]),
    changeRequest: z.object({ id: z.string(), title: z.string(), revision: z.number().int() }),
    cluster: z.object({ id: z.string(), name: z.string(), environment: z.string() }),
    summary: reportSummary,
    failures: z.array(z.unknown()),
    connectors: z.array(z.object({ name: z.string(), actions: z.array(z.string()), expected: z.string().nullable(), observed: z.string().nullable(), ok: z.boolean(), reason: z.string().optional() })),
    verification: z.object({ ok: z.boolean(), durationMs: z.number() }).nullable(),
    error: z.string().optional(),
    attempts: z.number().int(),
    startedAt: nullableDate,
    finishedAt: dateTime,
  })
  .meta({ id: "DeploymentReport", description: "Secrets masked." });

export const deploymentSchema = z
  .object({
    id: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    changeRequest: z.object({ id: z.string(), title: z.string(), status: z.enum(CHANGE_REQUEST_STATUSES) }).nullable(),
    cluster: z.object({ id: z.string(), name: z.string(), environment: z.string() }).nullable(),
    createdAt: dateTime,
    startedAt: nullableDate,
    finishedAt: nullableDate,
    progress: z.object({
      phase: z.enum(["queued", "planning", "applying", "verifying", "finished"]),
      steps: z.object({ total: z.number().int(), ended: z.number().int() }),
      percent: z.number(),
      attempts: z.number().int(),
      errors: z.array(z.object({ at: z.string(), message: z.string(), retrying: z.boolean() })),
    }),
    report: reportSchema.nullable(),
  })
  .meta({ id: "Deployment" });

export const incidentPageSchema = z.object({
  items: z.array(z.object({ ...incidentFields, clusterId: z.string(), connectorName: z.string(), connectorId: z.string().nullable() }).meta({ id: "Incident" })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const meSchema = z.object({
  user: person.extend({ role: z.enum(ROLES).meta({ description: "The role this token acts with: min(token's, user's current)." }), teamIds: z.array(z.string()) }),
  token: z.object({ id: z.string(), name: z.string() }),
});

const keyChange = z.object({
  op: z.enum(["add", "remove", "change"]),
  key: z.string(),
  before: z.string().optional(),
  after: z.string().optional(),
  sensitive: z.boolean().optional().meta({ description: "A secret: its values are never sent." }),
});
const planAction = z.object({
  kind: z.string(),
  name: z.string(),
  reason: z.string(),
  changes: z.array(keyChange).optional().meta({ description: "Key-level changes of an update; secrets only as sensitive." }),
});
const names = z.array(z.string());
export const syncSchema = z
  .object({
    outcome: z.enum(["unchanged", "in_review", "approved", "deploying", "deployed", "failed"]).meta({
      description:
        "unchanged (200): nothing to do; in_review (202): waits for approvals; approved (202): this source's change request holds the same file and is approved already, deploy it; deploying (202): its deploy is queued and did not end within the wait; deployed / failed (200): its deploy ended within the wait, `report` says what it did.",
    }),
    added: names,
    removed: names,
    paused: names,
    resumed: names,
    updated: names,
    restarted: names,
    stopped: names,
    changeRequestId: z.string().nullable(),
    deploymentId: z.string().nullable(),
    reviewUrl: z.string().nullable().meta({ description: "The change request in the web app." }),
    changeRequestUrl: z.string().nullable(),
    operationId: z.string().nullable().meta({ description: "The operation when a deploy was queued (its id is the deployment's id)." }),
    statusUrl: z.string().nullable().meta({ description: "Poll it: the operation when a deploy was queued (also in `Location`), else the change request." }),
    plan: z.array(planAction).meta({ description: "The plan's actions against the live cluster, with an update's key-level changes (secrets only as sensitive)." }),
    blockers: z.array(z.string()).meta({ description: "Why the change cannot deploy as it stands (conflicts such as a name held by another connector, the cluster validator's problems, or why no plan could be made); empty when it can." }),
    report: reportSchema.nullable().meta({ description: "The deployment's report (as GET /deployments/{id}/report answers it, secrets masked) when outcome is deployed or failed; else null." }),
  })
  .meta({ id: "SyncResult" });

export const OPERATION_STATUS_DESCRIPTION =
  "accepted (queued) → preparing (planning, applying steps) → provisioned (every step applied, verifying) → ready (verified); failed; deleting (a plan that only deletes connectors, until the cluster confirmed them gone).";

export const operationSchema = z
  .object({
    id: z.string().meta({ description: "The operation's id: the deployment's id." }),
    status: z.enum(OPERATION_STATUSES).meta({ description: OPERATION_STATUS_DESCRIPTION }),
    deploymentStatus: z.enum(DEPLOYMENT_STATUSES),
    changeRequestId: z.string(),
    clusterId: z.string(),
    createdAt: dateTime,
    startedAt: nullableDate,
    finishedAt: nullableDate,
    progress: z.object({
      phase: z.enum(["queued", "planning", "applying", "verifying", "finished"]),
      steps: z.object({ total: z.number().int(), ended: z.number().int() }),
      percent: z.number(),
    }),
    links: z.object({
      self: z.string(),
      deployment: z.string(),
      report: z.string().nullable().meta({ description: "Once the operation ended (ready or failed)." }),
      changeRequest: z.string(),
    }),
  })
  .meta({ id: "Operation", description: "Long work (a deploy) and where it stands." });

const problemList = z.array(z.object({ connector: z.string().nullable(), key: z.string().nullable(), message: z.string() }));

export const planPreviewSchema = z
  .union([
    z.object({
      ok: z.literal(true),
      source: z.enum(["live", "record"]).meta({ description: "live: planned against the cluster now; record: the plan the change request's last deploy ran." }),
      valid: z.boolean(),
      actions: z.array(planAction),
      summary: z.record(z.string(), z.number().int()).nullable(),
      topicsToCreate: z.array(z.object({ name: z.string() })),
      topicsToDelete: z.array(z.string()),
      problems: problemList.meta({ description: "The cluster validator's problems (secrets redacted)." }),
      risks: z.array(z.object({ connector: z.string().nullable(), code: z.string(), message: z.string() })),
      conflicts: z.array(z.string()),
    }),
    z.object({ ok: z.literal(false), reason: z.enum(["unreachable", "invalid"]), message: z.string() }),
  ])
  .meta({ id: "PlanPreview", description: "What a deploy would do now; `ok: false` when the cluster did not answer or the change cannot be planned. Secrets masked." });

export const stateFileCheckSchema = z
  .object({
    valid: z.literal(true),
    create: names.meta({ description: "Connectors the file would create." }),
    update: names.meta({ description: "Connectors it would change." }),
    unchanged: names,
    entries: z.array(z.object({ action: z.enum(["create", "update", "unchanged"]), name: z.string(), team: z.string(), changedKeys: names })),
  })
  .meta({ id: "StateFileCheck", description: "A valid file and what it would change (nothing was created). An invalid one answers 400 with one detail per problem." });
