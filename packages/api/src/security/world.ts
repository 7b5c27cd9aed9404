/**
 * Test support for the attacks on change control: the change request world (two teams, one user
 * per role, a cluster needing two approvals, a fake Connect) plus a worker loop that runs queued
 * deploys against the same fake, so an attack can be followed through to the cluster.
 */
import { getDeployment, type Deployment } from "@switchboard/db/repos/deployments";
import { updateUser } from "@switchboard/db/repos/users";
import { getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { startWorker } from "@switchboard/worker/loop";
import { silentLog, waitFor } from "@switchboard/worker/worker.fixture";
import { buildWorld, type Actor, type World } from "../routers/change-request.fixture";

export { waitFor };

export type AttackWorld = World & {
  /** Starts a worker loop on the world's fake cluster; stopped by `stop()`. */
  startWorker(): void;
  /** Waits until the deployment has ended (succeeded or failed) and returns it. */
  finished(deploymentId: string): Promise<Deployment>;
  /** Reloads a user's session (after a role change, say). */
  refreshUser(actor: Exclude<Actor, "anonymous">): Promise<SessionUser>;
  stop(): Promise<void>;
};

export async function buildAttackWorld(db: World["db"]): Promise<AttackWorld> {
  const w = await buildWorld(db);
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  return {
    ...w,
    startWorker() {
      loop ??= startWorker({
        db,
        workerId: "attack-worker",
        signal: controller.signal,
        pollMs: 10,
        leaseMs: 500,
        stopGraceMs: 0,
        scheduleHealth: false,
        deliverNotifications: false,
        services: { connectFor: () => w.fake, topicsFor: () => undefined, log: silentLog, applyOptions: { settleMs: 0, pollIntervalMs: 5, verifyTimeoutMs: 2_000 } },
      });
    },
    finished: (deploymentId) =>
      waitFor(async () => {
        const d = await getDeployment(db, deploymentId);
        return d && (d.status === "succeeded" || d.status === "failed") ? d : undefined;
      }, 10_000, `deployment ${deploymentId} to end`),
    async refreshUser(actor) {
      const u = (await getSessionUser(db, w.users[actor].id)) as SessionUser;
      w.users[actor] = u;
      return u;
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

/** The tRPC error code a call fails with, or "OK". */
export async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? `THREW ${String(err)}`;
  }
}

/** Demotes or disables a user as an admin would (through the repository the user router uses). */
export async function changeUser(w: World, actor: Exclude<Actor, "anonymous">, change: { role?: SessionUser["role"]; disabled?: boolean }): Promise<void> {
  await updateUser(w.db, w.users.admin.id, w.users[actor].id, change);
}
