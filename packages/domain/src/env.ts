/**
 * The domain's one window on the environment: the Connect credentials a cluster names. A cluster
 * row stores only variable NAMES, and only names under a fixed prefix may be read, so an admin (or
 * anyone who edits a cluster) cannot make Switchboard send, say, NEXTAUTH_SECRET to a Connect URL.
 */
import { precondition } from "./errors";

export const CLUSTER_CREDENTIAL_PREFIX = "SWITCHBOARD_CLUSTER_";

/** Whether a variable name may hold a cluster credential. */
export function isClusterCredentialName(name: string): boolean {
  return name.startsWith(CLUSTER_CREDENTIAL_PREFIX) && /^[A-Z0-9_]+$/.test(name) && name.length > CLUSTER_CREDENTIAL_PREFIX.length;
}

/**
 * The value of the environment variable a cluster names for a Connect credential. Undefined when the
 * name or the variable is unset; a name outside the prefix is never read.
 */
export function clusterCredential(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  if (!isClusterCredentialName(name)) throw precondition(`The cluster's credential variable ${name} does not start with ${CLUSTER_CREDENTIAL_PREFIX}; Switchboard reads no other variable for a cluster. An admin can rename it on the cluster's page.`);
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
