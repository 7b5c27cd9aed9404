import { isTRPCClientError } from "@trpc/client";
import Link from "next/link";

type ZodFlattened = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

type Described = { title: string; detail: string | null; fieldErrors: [string, string][]; signIn: boolean };

function hasFlattenedErrors(value: unknown): value is ZodFlattened {
  return typeof value === "object" && value !== null && "fieldErrors" in value && "formErrors" in value;
}

const TITLES: Record<string, string> = {
  UNAUTHORIZED: "Your session has ended.",
  FORBIDDEN: "You are not allowed to do this.",
  NOT_FOUND: "Not found.",
  CONFLICT: "Someone changed this in the meantime.",
  BAD_REQUEST: "Some input is not valid.",
  TIMEOUT: "The request took too long.",
  TOO_MANY_REQUESTS: "Too many requests; wait a moment and try again.",
};

/** Turns anything thrown into words for a person: the server's message, field errors, never a stack. */
export function describeError(error: unknown): Described {
  if (isTRPCClientError(error)) {
    const data: unknown = error.data;
    const code =
      typeof data === "object" && data !== null && "code" in data && typeof data.code === "string" ? data.code : null;
    const zodError = typeof data === "object" && data !== null && "zodError" in data ? data.zodError : null;
    const fieldErrors: [string, string][] = hasFlattenedErrors(zodError)
      ? Object.entries(zodError.fieldErrors).flatMap(([field, messages]) =>
          (messages ?? []).map((message): [string, string] => [field, message]),
        )
      : [];
    // A network failure has no code: the message is the browser's ("Failed to fetch").
    if (!code) {
      return {
        title: "Could not reach Switchboard.",
        detail: "Check your connection and try again.",
        fieldErrors: [],
        signIn: false,
      };
    }
    const title = TITLES[code] ?? "Something went wrong.";
    const detail = fieldErrors.length > 0 || error.message === title ? null : error.message;
    return { title, detail, fieldErrors, signIn: code === "UNAUTHORIZED" };
  }
  if (error instanceof Error) return { title: "Something went wrong.", detail: error.message, fieldErrors: [], signIn: false };
  return { title: "Something went wrong.", detail: null, fieldErrors: [], signIn: false };
}

/** An error from a tRPC call (or anything else) shown as an alert, with field errors listed. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const { title, detail, fieldErrors, signIn } = describeError(error);
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-medium">{title}</p>
      {detail && <p className="mt-1">{detail}</p>}
      {fieldErrors.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {fieldErrors.map(([field, message]) => (
            <li key={`${field}:${message}`}>
              <code>{field}</code>: {message}
            </li>
          ))}
        </ul>
      )}
      {signIn && (
        <p className="mt-1">
          <Link href="/login" className="underline">
            Sign in again
          </Link>
        </p>
      )}
    </div>
  );
}
