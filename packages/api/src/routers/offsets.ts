/**
 * Committed offsets of a connector, read from its cluster now (KIP-875). Changing them goes through
 * change requests ("reset offsets", "set offsets" items), never through here.
 */
import { z } from "zod";
import { getCluster } from "@switchboard/db/repos/clusters";
import { loadLiveConnector } from "@switchboard/domain/connectors";
import { notFound } from "@switchboard/domain/errors";
import { liveOffsets } from "@switchboard/domain/offsets";
import { usingConnect } from "../connect-context";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const id = z.string().min(1).max(100);

export const offsetsRouter = createTRPCRouter({
  /** Sink: `{kafka_topic, kafka_partition}` → `{kafka_offset}`; source: the connector's own partitions. An unreachable cluster is an answer. */
  live: protectedProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const connector = await loadLiveConnector(ctx.db, input.id);
    const cluster = await getCluster(ctx.db, connector.clusterId);
    if (!cluster) throw notFound("The connector's cluster no longer exists.");
    try {
      return await usingConnect(ctx, cluster, (connect) => liveOffsets(ctx.db, connector, connect));
    } catch (err) {
      return { ok: false as const, error: err instanceof Error ? err.message : "No client could be made for the cluster." };
    }
  }),
});
