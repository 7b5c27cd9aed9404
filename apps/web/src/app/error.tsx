"use client";

import { Button } from "../components/button";

/** Shown when a page fails to render. Server errors reach the browser redacted, so no details here. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="mx-auto max-w-prose">
      <h1 className="text-xl font-semibold">This page could not be shown.</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        Try again; if it keeps failing, tell an admin
        {error.digest ? (
          <>
            {" "}
            and quote the reference <code>{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </section>
  );
}
