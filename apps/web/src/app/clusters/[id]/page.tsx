import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireSessionUser } from "../../../server/auth";
import { isNotFoundError } from "../../../trpc/errors";
import { api } from "../../../trpc/server";
import { ClusterWorkers } from "./cluster-workers";

type Params = { params: Promise<{ id: string }> };

async function load(id: string) {
  try {
    return await api.cluster.byId({ id });
  } catch (err) {
    if (isNotFoundError(err)) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  const c = await api.cluster.byId({ id }).catch(() => null);
  return { title: c ? `Cluster ${c.name}` : "Cluster" };
}

/** One cluster's workers: read live in the browser, so the page shows at once while workers answer. */
export default async function ClusterPage({ params }: Params) {
  await requireSessionUser();
  const { id } = await params;
  const cluster = await load(id);
  return (
    <article aria-labelledby="cluster-title" className="flex flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/clusters" className="text-blue-700 underline hover:no-underline dark:text-blue-400">
          ← Clusters
        </Link>
      </nav>
      <h1 id="cluster-title" className="text-xl font-semibold">
        Cluster {cluster.name} <span className="text-base font-normal text-zinc-600 dark:text-zinc-400">({cluster.environment})</span>
      </h1>
      <ClusterWorkers clusterId={cluster.id} />
    </article>
  );
}
