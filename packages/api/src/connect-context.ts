/**
 * Which Kafka Connect client a procedure talks to. Production uses `connectForCluster`; tests put
 * a fake on the context with {@link withConnect}, so routers stay testable through `createCaller`
 * without the Kafka stack.
 */
import type { Cluster } from "@switchboard/db/repos/clusters";
import type { ConnectPort } from "@switchboard/engine/port";
import { connectForCluster, topicsForCluster } from "@switchboard/domain/cluster-access";
import type { TopicFactory } from "@switchboard/domain/topic-items";

export type ConnectFactory = (cluster: Cluster) => ConnectPort & { close?: () => Promise<void> };

type WithFactory = { connectFor?: ConnectFactory };

/** The context with a Connect factory (tests: `createCaller(withConnect(createContextInner(...), () => fake))`). */
export function withConnect<C extends object>(ctx: C, factory: ConnectFactory): C & WithFactory {
  return { ...ctx, connectFor: factory };
}

/** The context's Connect factory (the tests' fake, else the real one), for use cases that reach several clusters. */
export function connectFactory(ctx: object): ConnectFactory {
  return (ctx as WithFactory).connectFor ?? connectForCluster;
}

/** Runs `fn` with a Connect client for the cluster (the context's factory, else the real one) and closes it after. */
export async function usingConnect<T>(ctx: object, cluster: Cluster, fn: (connect: ConnectPort) => Promise<T>): Promise<T> {
  const client = connectFactory(ctx)(cluster);
  try {
    return await fn(client);
  } finally {
    await client.close?.().catch(() => undefined);
  }
}

type WithTopics = { topicsFor?: TopicFactory };

/** The context with a Kafka topic admin factory (tests: a fake topic list, never a broker). */
export function withTopics<C extends object>(ctx: C, factory: TopicFactory): C & WithTopics {
  return { ...ctx, topicsFor: factory };
}

/** The context's topic admin factory (the tests' fake, else the cluster's Kafka through its bootstrap servers). */
export function topicsFactory(ctx: object): TopicFactory {
  return (ctx as WithTopics).topicsFor ?? topicsForCluster;
}
