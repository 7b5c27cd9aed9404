/**
 * "Write to Git now": after a conflict was resolved in the repository (the edit reverted, or the file
 * made to describe the deployed state), an admin asks for the cluster's state file to be written
 * again instead of waiting for the next deploy. It queues the same `git-commit` job a deploy queues,
 * for the cluster's latest succeeded deployment, under the same conflict rule: nothing is forced.
 */
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import { writeAudit } from "@switchboard/db/repos/audit";
import { getCluster } from "@switchboard/db/repos/clusters";
import { listDeployments } from "@switchboard/db/repos/deployments";
import { enqueueJob } from "@switchboard/db/repos/jobs";
import { badRequest, notFound, precondition } from "./errors";
import { gitMirrorOf } from "./git-mirror-settings";
import { gitCommitJob } from "./jobs";

export async function queueGitWrite(db: DbOrTx, actorId: string, clusterId: string): Promise<{ jobId: string; deploymentId: string }> {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw notFound("No such cluster.");
  if (!gitMirrorOf(cluster)) throw badRequest(`Cluster ${cluster.name} has no Git repository to write to.`);
  const [latest] = await listDeployments(db, { clusterId, status: "succeeded", pageSize: 1 });
  if (!latest) throw precondition(`Nothing was deployed to ${cluster.name} yet: there is no deployed state to write.`);
  return inTransaction(db, async (tx) => {
    const job = await enqueueJob(tx, gitCommitJob(latest.id, clusterId));
    await writeAudit(tx, { actorId, action: "cluster.gitWrite", entityType: "cluster", entityId: clusterId, after: { deploymentId: latest.id } });
    return { jobId: job.id, deploymentId: latest.id };
  });
}
