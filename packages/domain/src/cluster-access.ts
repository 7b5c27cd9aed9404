/**
 * Connect and Kafka clients for a cluster row: worker URLs and the request budget from the cluster,
 * basic-auth credentials from the environment variables it names (under SWITCHBOARD_CLUSTER_).
 */
import { createConnectClient, type ConnectClient } from "@switchboard/connect-client/client";
import { createTopicAdmin, type TopicAdmin } from "@switchboard/connect-client/topics";
import { clusterCredential } from "./env";

export type ClusterEndpoints = {
  id?: string;
  connectUrls: string[];
  authUsernameEnv?: string | null;
  authPasswordEnv?: string | null;
  bootstrapServers?: string | null;
  /** Budget of one request across the workers; default 120 s, above Connect's own 90 s. */
  requestTimeoutSeconds?: number;
};

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 120;

/** A Connect client for the cluster. Basic auth is used when both named variables are set. Call `close()` when done. */
export function connectForCluster(cluster: ClusterEndpoints): ConnectClient {
  const username = clusterCredential(cluster.authUsernameEnv);
  const password = clusterCredential(cluster.authPasswordEnv);
  return createConnectClient({
    urls: cluster.connectUrls,
    timeoutMs: (cluster.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
  });
}

/** A topic admin for the cluster's Kafka, or undefined when it has no bootstrap servers. Call `close()` when done. */
export function topicsForCluster(cluster: ClusterEndpoints): TopicAdmin | undefined {
  const brokers = (cluster.bootstrapServers ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  return brokers.length === 0 ? undefined : createTopicAdmin({ brokers, clientId: "switchboard" });
}
