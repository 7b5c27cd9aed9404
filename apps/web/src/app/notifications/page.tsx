import type { Metadata } from "next";
import { Suspense } from "react";
import { requireSessionUser } from "../../server/auth";
import { Inbox } from "./inbox";
import { TeamSettings } from "./team-settings";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireSessionUser();
  return (
    <div className="flex flex-col gap-10">
      <Suspense>
        <Inbox />
      </Suspense>
      {user.teamIds.length > 0 && <TeamSettings teamIds={user.teamIds} />}
    </div>
  );
}
