import type { Metadata } from "next";
import { ClustersAdmin } from "./clusters-admin";

export const metadata: Metadata = { title: "Clusters" };

export default function ClustersPage() {
  return <ClustersAdmin />;
}
