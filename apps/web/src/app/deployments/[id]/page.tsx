import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeploymentProgress } from "../../../components/deployment-progress";
import { requireSessionUser } from "../../../server/auth";
import { isNotFoundError } from "../../../trpc/errors";
import { api } from "../../../trpc/server";

type Params = { params: Promise<{ id: string }> };

async function load(id: string) {
  try {
    return await api.deployment.byId({ id });
  } catch (err) {
    // Checked by code: the bundled page and the api package may hold different TRPCError classes.
    if (isNotFoundError(err)) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  const d = await api.deployment.byId({ id }).catch(() => null);
  return { title: d?.changeRequest ? `Deploy: ${d.changeRequest.title}` : "Deployment" };
}

export default async function DeploymentPage({ params }: Params) {
  await requireSessionUser();
  const { id } = await params;
  const d = await load(id);
  return (
    <article aria-labelledby="deployment-title" className="flex flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        {d.changeRequest ? (
          <Link href={`/changes/${encodeURIComponent(d.changeRequest.id)}`} className="text-blue-700 underline hover:no-underline dark:text-blue-400">
            ← Back to the change request
          </Link>
        ) : (
          <Link href="/changes" className="text-blue-700 underline hover:no-underline dark:text-blue-400">
            ← Change requests
          </Link>
        )}
      </nav>
      <h1 id="deployment-title" className="text-xl font-semibold">
        Deployment of {d.changeRequest ? `“${d.changeRequest.title}”` : "a change request"}
      </h1>
      <DeploymentProgress deploymentId={d.id} />
    </article>
  );
}
