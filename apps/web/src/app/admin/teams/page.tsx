import type { Metadata } from "next";
import { Suspense } from "react";
import { TeamsAdmin } from "./teams-admin";

export const metadata: Metadata = { title: "Teams" };

export default function TeamsPage() {
  return (
    <Suspense>
      <TeamsAdmin />
    </Suspense>
  );
}
