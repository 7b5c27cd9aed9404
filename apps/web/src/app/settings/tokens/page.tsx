import type { Metadata } from "next";
import { requireSessionUser } from "../../../server/auth";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const user = await requireSessionUser();
  return <TokensView role={user.role} teamIds={user.teamIds} />;
}
