"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "./button";

/** Ends the session and returns to the sign-in page. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <Button
      loading={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/login" });
      }}
      className="px-2 py-1 text-xs"
    >
      Sign out
    </Button>
  );
}
