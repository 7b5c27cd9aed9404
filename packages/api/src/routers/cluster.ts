import { z } from "zod";
import { createCluster, getCluster, listClusters, updateCluster } from "@switchboard/db/repos/clusters";
import { usingConnect } from "../connect-context";
import { notFound } from "@switchboard/domain/errors";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";
import { describeConnectionFailure, normaliseClusterInput, testClusterConnection } from "@switchboard/domain/clusters";
import { describeClusterWorkers } from "@switchboard/domain/cluster-workers";
import { CLUSTER_CREDENTIAL_PREFIX, isClusterCredentialName } from "@switchboard/domain/env";
import { gitSettingsFields } from "@switchboard/domain/git-mirror-settings";
import { queueGitWrite } from "@switchboard/domain/git-mirror-write";

const id = z.string().min(1).max(100);
const envName = z.union([
  z.literal(""),
  z
    .string()
    .trim()
    .max(128)
    .refine(isClusterCredentialName, `Give the NAME of an environment variable starting with ${CLUSTER_CREDENTIAL_PREFIX} (capitals, digits, _), not the secret itself.`),
]);
const connectUrl = z.string().trim().pipe(z.url({ protocol: /^https?$/, error: "Each Connect worker URL must be an http(s) URL." }));

const clusterFields = {
  name: z.string().trim().min(1, "Name is required.").max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dot, dash and underscore."),
  environment: z.string().trim().min(1, "Environment is required, e.g. prod, staging, dev.").max(50),
  connectUrls: z.array(connectUrl).min(1, "Give at least one Connect worker URL.").max(20),
  bootstrapServers: z.string().trim().max(1000).nullish(),
  // Kafka's own rule for topic names; blank means no status topic (the REST poll alone).
  statusTopic: z.union([z.literal(""), z.string().trim().max(249).regex(/^[A-Za-z0-9._-]+$/, "A Kafka topic name: letters, digits, dot, dash and underscore.")]).nullish(),
  authUsernameEnv: envName.nullish(),
  authPasswordEnv: envName.nullish(),
  approvalsRequired: z.number().int("A whole number.").min(0, "At least 0.").max(5, "At most 5."),
  monitorIntervalSeconds: z.number().int("A whole number.").min(5, "At least 5 seconds.").max(3600, "At most 3600 seconds."),
  requestTimeoutSeconds: z.number().int("A whole number.").min(5, "At least 5 seconds.").max(600, "At most 600 seconds."),
  // The Git mirror: a repository without credentials, a branch, a relative .json path ("" clears).
  ...gitSettingsFields,
};

// The health monitor polls every 10 s unless told otherwise.
const createInput = z.object({ ...clusterFields, monitorIntervalSeconds: clusterFields.monitorIntervalSeconds.default(10), requestTimeoutSeconds: clusterFields.requestTimeoutSeconds.default(120) });
const updateInput = z.object({ id, ...z.object(clusterFields).partial().shape });

export const clusterRouter = createTRPCRouter({
  list: protectedProcedure.input(z.object({}).optional()).query(({ ctx }) => listClusters(ctx.db)),

  byId: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const cluster = await getCluster(ctx.db, input.id);
    if (!cluster) throw notFound("No such cluster.");
    return cluster;
  }),

  /** Each worker's version, health and plugins: any signed-in user may see a cluster's workers. */
  workers: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const cluster = await getCluster(ctx.db, input.id);
    if (!cluster) throw notFound("No such cluster.");
    return usingConnect(ctx, cluster, (connect) => describeClusterWorkers(cluster, connect));
  }),

  create: adminProcedure.input(createInput).mutation(({ ctx, input }) =>
    createCluster(ctx.db, ctx.user.id, normaliseClusterInput(input)),
  ),

  update: adminProcedure.input(updateInput).mutation(({ ctx, input: { id: clusterId, ...fields } }) =>
    updateCluster(ctx.db, ctx.user.id, clusterId, normaliseClusterInput(fields)),
  ),

  /** Writes the deployed state to the cluster's Git mirror now (e.g. once a conflict was resolved there), under the usual conflict rule. */
  writeGit: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) => queueGitWrite(ctx.db, ctx.user.id, input.id)),

  testConnection: adminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const cluster = await getCluster(ctx.db, input.id);
    if (!cluster) throw notFound("No such cluster.");
    try {
      return await usingConnect(ctx, cluster, (connect) => testClusterConnection(cluster, connect));
    } catch (err) {
      // Creating the client can fail too (e.g. a credential env var that is not set).
      return { ok: false as const, error: describeConnectionFailure(err) };
    }
  }),
});
