/**
 * Connect and Kafka clients for a cluster row: worker URLs from the cluster, basic-auth credentials
 * from the environment variables the cluster names.
 */
import { createConnectClient, type ConnectClient } from "@switchboard/connect-client/client";
import { createTopicAdmin, type TopicAdmin } from "@switchboard/connect-client/topics";
import { credentialFromEnv } from "./env";

export type ClusterEndpoints = {
  connectUrls: string[];
  authUsernameEnv?: string | null;
  authPasswordEnv?: string | null;
  bootstrapServers?: string | null;
};

const TIMEOUT_MS = 10_000;

/**
 * A Connect client for the cluster (10 s budget per request across its workers). Basic auth is used
 * when both named variables are set. Call `close()` when done.
 */
export function connectForCluster(cluster: ClusterEndpoints): ConnectClient {
  const username = credentialFromEnv(cluster.authUsernameEnv);
  const password = credentialFromEnv(cluster.authPasswordEnv);
  return createConnectClient({
    urls: cluster.connectUrls,
    timeoutMs: TIMEOUT_MS,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
  });
}

/** A topic admin for the cluster's Kafka, or undefined when it has no bootstrap servers. Call `close()` when done. */
export function topicsForCluster(cluster: ClusterEndpoints): TopicAdmin | undefined {
  const brokers = (cluster.bootstrapServers ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  return brokers.length === 0 ? undefined : createTopicAdmin({ brokers, clientId: "switchboard-web" });
}
