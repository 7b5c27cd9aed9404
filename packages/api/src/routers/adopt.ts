import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getCluster } from "@switchboard/db/repos/clusters";
import { usingConnect } from "../connect-context";
import { approverProcedure, authorProcedure, createTRPCRouter } from "../trpc";
import { adoptConnectors, listAdoptCandidates } from "@switchboard/domain/adopt";
import { connectorNameSchema } from "@switchboard/domain/change-items";

const id = z.string().min(1).max(100);

async function clusterOrThrow(db: Parameters<typeof getCluster>[0], clusterId: string) {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "No such cluster." });
  return cluster;
}

export const adoptRouter = createTRPCRouter({
  /** Connectors on the live cluster that Switchboard does not know yet; `ok: false` when it cannot be read. */
  listCandidates: authorProcedure.input(z.object({ clusterId: id })).query(async ({ ctx, input }) => {
    const cluster = await clusterOrThrow(ctx.db, input.clusterId);
    try {
      return await usingConnect(ctx, cluster, (connect) => listAdoptCandidates(ctx.db, cluster, connect));
    } catch (err) {
      return { ok: false as const, message: `Cluster unreachable: ${err instanceof Error ? err.message : "no answer"}` };
    }
  }),

  /** Records live connectors as managed definitions owned by the given teams, without touching the cluster. */
  import: approverProcedure
    .input(z.object({ clusterId: id, connectors: z.array(z.object({ name: connectorNameSchema, teamId: id })).min(1, "Pick at least one connector.").max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const cluster = await clusterOrThrow(ctx.db, input.clusterId);
      return usingConnect(ctx, cluster, (connect) => adoptConnectors(ctx.db, ctx.user, cluster, connect, input));
    }),
});
