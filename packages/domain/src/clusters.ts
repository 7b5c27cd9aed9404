/**
 * Clusters as the admin pages and filters need them. Responses carry the names of the env vars
 * holding Connect credentials, never their values (the repository has no values to give).
 */
import type { ClusterInput, Cluster } from "@switchboard/db/repos/clusters";
import type { ConnectClient } from "@switchboard/connect-client/client";
import { ConnectError, type ConnectPort } from "@switchboard/engine/port";

export type ConnectionTest =
  | { ok: true; version: string; commit: string; kafkaClusterId: string; workers: number }
  | { ok: false; error: string };

/**
 * Asks the cluster for its version (`GET /`) through the same client a deploy would use, so a
 * wrong URL, credential or TLS setting shows here first. Failures are answers, not exceptions, and
 * say what kind of failure it was without echoing what the other side answered: a cluster URL may
 * point at any service, and its answer is not the admin's to read through Switchboard.
 * A client without `serverInfo` (a test fake) is checked by listing its plugins instead.
 */
export async function testClusterConnection(cluster: Cluster, connect: ConnectPort & Partial<Pick<ConnectClient, "serverInfo">>): Promise<ConnectionTest> {
  try {
    const info = connect.serverInfo ? await connect.serverInfo() : (await connect.listPlugins(), { version: "unknown", commit: "unknown", kafkaClusterId: "unknown" });
    return { ok: true, ...info, workers: cluster.connectUrls.length };
  } catch (err) {
    return { ok: false, error: describeConnectionFailure(err) };
  }
}

/** What went wrong talking to a cluster, in words that carry nothing the other side sent. */
export function describeConnectionFailure(err: unknown): string {
  if (!(err instanceof ConnectError)) return "No client could be made for this cluster (check its URLs and credential variables).";
  switch (err.code) {
    case "UNREACHABLE":
      return "No worker answered: the connection was refused or the host is unreachable.";
    case "TIMEOUT":
      return "No worker answered in time.";
    case "UNAUTHORIZED":
      return `The worker refused the credentials (HTTP ${err.status ?? 401}).`;
    default:
      return err.status === undefined
        ? "The worker's answer is not the Kafka Connect REST API's."
        : `The worker answered HTTP ${err.status}, which is not what the Kafka Connect REST API answers here.`;
  }
}

/** Trims optional text fields and turns empty ones into null, so "no auth" is stored as null. */
export function normaliseClusterInput<T extends Partial<ClusterInput>>(input: T): T {
  const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim());
  return {
    ...input,
    ...(input.bootstrapServers !== undefined ? { bootstrapServers: blankToNull(input.bootstrapServers) } : {}),
    ...(input.statusTopic !== undefined ? { statusTopic: blankToNull(input.statusTopic) } : {}),
    ...(input.authUsernameEnv !== undefined ? { authUsernameEnv: blankToNull(input.authUsernameEnv) } : {}),
    ...(input.authPasswordEnv !== undefined ? { authPasswordEnv: blankToNull(input.authPasswordEnv) } : {}),
    ...normaliseGitSettings(input, blankToNull),
  };
}

/** Blank Git settings are null; clearing the repository clears its branch and path too (the mirror is off). */
function normaliseGitSettings(input: Partial<ClusterInput>, blankToNull: (v: string | null | undefined) => string | null | undefined): Partial<ClusterInput> {
  const repository = blankToNull(input.gitRepository);
  if (repository === null) return { gitRepository: null, gitBranch: null, gitPath: null };
  return {
    ...(repository !== undefined ? { gitRepository: repository } : {}),
    ...(input.gitBranch !== undefined ? { gitBranch: blankToNull(input.gitBranch) } : {}),
    ...(input.gitPath !== undefined ? { gitPath: blankToNull(input.gitPath) } : {}),
  };
}
