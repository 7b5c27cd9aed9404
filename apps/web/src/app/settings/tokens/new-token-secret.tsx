"use client";

import { useState } from "react";
import { Button } from "../../../components/button";

/** The secret of a token just created: shown once, with a copy button. */
export function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section role="status" aria-labelledby="new-token-title" className="flex flex-col gap-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
      <h2 id="new-token-title" className="text-base font-semibold">
        Token “{name}” created
      </h2>
      <p className="text-sm">Copy it now: it is shown only this once. Switchboard keeps only a hash of it.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="new-token-secret" className="break-all rounded bg-white px-2 py-1 font-mono text-sm dark:bg-zinc-900">
          {secret}
        </code>
        <Button
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
    </section>
  );
}
