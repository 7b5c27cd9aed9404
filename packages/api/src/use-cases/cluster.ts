/**
 * Clusters as the admin pages and filters need them. Responses carry the names of the env vars
 * holding Connect credentials, never their values (the repository has no values to give).
 */
import type { ClusterInput, Cluster } from "@switchboard/db/repos/clusters";
import type { ConnectClient } from "@switchboard/connect-client/client";
import type { ConnectPort } from "@switchboard/engine/port";

export type ConnectionTest =
  | { ok: true; version: string; commit: string; kafkaClusterId: string; workers: number }
  | { ok: false; error: string };

/**
 * Asks the cluster for its version (`GET /`) through the same client a deploy would use, so a
 * wrong URL, credential or TLS setting shows here first. Failures are answers, not exceptions.
 * A client without `serverInfo` (a test fake) is checked by listing its plugins instead.
 */
export async function testClusterConnection(cluster: Cluster, connect: ConnectPort & Partial<Pick<ConnectClient, "serverInfo">>): Promise<ConnectionTest> {
  try {
    const info = connect.serverInfo ? await connect.serverInfo() : (await connect.listPlugins(), { version: "unknown", commit: "unknown", kafkaClusterId: "unknown" });
    return { ok: true, ...info, workers: cluster.connectUrls.length };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : "The cluster did not answer." };
  }
}

/** Trims optional text fields and turns empty ones into null, so "no auth" is stored as null. */
export function normaliseClusterInput<T extends Partial<ClusterInput>>(input: T): T {
  const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim());
  return {
    ...input,
    ...(input.bootstrapServers !== undefined ? { bootstrapServers: blankToNull(input.bootstrapServers) } : {}),
    ...(input.authUsernameEnv !== undefined ? { authUsernameEnv: blankToNull(input.authUsernameEnv) } : {}),
    ...(input.authPasswordEnv !== undefined ? { authPasswordEnv: blankToNull(input.authPasswordEnv) } : {}),
  };
}
