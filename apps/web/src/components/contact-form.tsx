"use client";

import { useId, useState, type FormEvent } from "react";
import { Button } from "./button";
import { ErrorMessage } from "./error-message";
import { inputClasses } from "./field";

export type ContactInput = { kind: "email" | "webhook"; target: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The inline error for a contact target, or null (the API validates again). */
export function contactError(kind: ContactInput["kind"], target: string): string | null {
  const value = target.trim();
  if (value === "") return null;
  if (kind === "email") return EMAIL.test(value) ? null : "Enter a valid email address.";
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? null : "The webhook must be an http(s) URL.";
  } catch {
    return "The webhook must be an http(s) URL.";
  }
}

/** Adds an email or webhook contact; keeps the input when the server refuses it. */
export function ContactForm({ onSubmit, pending, error }: { onSubmit: (contact: ContactInput) => Promise<unknown>; pending: boolean; error: unknown }) {
  const [kind, setKind] = useState<ContactInput["kind"]>("email");
  const [target, setTarget] = useState("");
  const ids = { kind: useId(), target: useId(), error: useId() };
  const inlineError = contactError(kind, target);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (inlineError || target.trim() === "") return;
    try {
      await onSubmit({ kind, target: target.trim() });
      setTarget("");
    } catch {
      // Shown through `error`; the input stays so nothing is lost.
    }
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-2" noValidate>
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.kind} className="text-sm font-medium">
            Kind
          </label>
          <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as ContactInput["kind"])} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-900">
            <option value="email">Email</option>
            <option value="webhook">Webhook (Slack-compatible)</option>
          </select>
        </div>
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor={ids.target} className="text-sm font-medium">
            {kind === "email" ? "Email address" : "Webhook URL"}
          </label>
          <input
            id={ids.target}
            type={kind === "email" ? "email" : "url"}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder={kind === "email" ? "oncall@example.com" : "https://hooks.slack.com/services/…"}
            aria-invalid={inlineError ? true : undefined}
            aria-describedby={inlineError ? ids.error : undefined}
            className={inputClasses}
          />
        </div>
        <Button type="submit" loading={pending} disabled={target.trim() === "" || inlineError !== null}>
          Add contact
        </Button>
      </div>
      {inlineError && (
        <p id={ids.error} className="text-sm text-red-700 dark:text-red-400">
          {inlineError}
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}
