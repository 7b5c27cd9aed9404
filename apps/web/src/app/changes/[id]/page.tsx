import type { Metadata } from "next";
import { requireSessionUser } from "../../../server/auth";
import { ChangeRequestView } from "./change-request-view";

export const metadata: Metadata = { title: "Change request" };

export default async function ChangeRequestPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSessionUser();
  const { id } = await params;
  return <ChangeRequestView id={id} />;
}
