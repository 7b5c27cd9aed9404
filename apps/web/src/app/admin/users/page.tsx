import type { Metadata } from "next";
import { requireSessionUser } from "../../../server/auth";
import { UsersAdmin } from "./users-admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireSessionUser();
  return <UsersAdmin meId={me.id} />;
}
