import Link from "next/link";
import { RelativeTime } from "../../../components/relative-time";
import type { RouterOutputs } from "../../../trpc/types";

type DeploymentSummary = RouterOutputs["changeRequest"]["byId"]["deployments"][number];

const STATUS_LABEL: Record<string, string> = { queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed" };

/** A deployment of the change request: its status and a link to its progress and report. */
export function DeploymentLink({ deployment }: { deployment: DeploymentSummary }) {
  return (
    <p className="flex flex-wrap items-center gap-2 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
      <span className="font-medium">{STATUS_LABEL[deployment.status] ?? deployment.status}</span>
      <span className="text-zinc-600 dark:text-zinc-400">
        queued <RelativeTime value={deployment.createdAt} />
        {deployment.finishedAt && (
          <>
            {" "}
            · finished <RelativeTime value={deployment.finishedAt} />
          </>
        )}
      </span>
      <Link href={`/deployments/${deployment.id}`} className="ml-auto text-blue-800 hover:underline dark:text-blue-300">
        View deployment
      </Link>
    </p>
  );
}
