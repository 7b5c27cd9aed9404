import { getCluster } from "@switchboard/db/repos/clusters";
import { loadLiveConnector } from "@switchboard/domain/connectors";
import { connectorDrift, draftAdopt, draftRevert } from "@switchboard/domain/drift";
import { notFound } from "@switchboard/domain/errors";
import { z } from "zod";
import { usingConnect } from "../connect-context";
import { connectorProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(100);

export const driftRouter = createTRPCRouter({
  /** The connector's drift as the monitor last found it (what drifted, never a value); null when in step. */
  byConnector: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const connector = await loadLiveConnector(ctx.db, input.id);
    return connectorDrift(ctx.db, connector.id);
  }),

  /** A draft change request redeploying the approved definition over what drifted. */
  revert: connectorProcedure.mutation(({ ctx }) => draftRevert(ctx.db, ctx.user, ctx.connector)),

  /** A draft change request recording the live config as the connector's next revision. */
  adopt: connectorProcedure.mutation(async ({ ctx }) => {
    const cluster = await getCluster(ctx.db, ctx.connector.clusterId);
    if (!cluster) throw notFound("The connector's cluster no longer exists.");
    return usingConnect(ctx, cluster, (connect) => draftAdopt(ctx.db, ctx.user, ctx.connector, connect));
  }),
});
