"use client";

import type { ConnectorTemplate } from "./templates";

/** The validator's errors the config inputs do not show: an unknown connector class, and with a template, keys it has no field for. */
export function ConfigValidationErrors({ errors, template }: { errors: Record<string, string[]>; template: ConnectorTemplate | undefined }) {
  const fieldKeys = new Set(template?.fields.map((f) => f.key) ?? []);
  const otherErrors = Object.entries(errors).filter(([key]) => !fieldKeys.has(key) && key !== "connector.class");
  return (
    <>
      {errors["connector.class"] && (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-medium">The cluster does not know this connector class.</p>
          <p className="mt-1">{errors["connector.class"].join(" ")}</p>
          <p className="mt-1">You can still save the draft, but it cannot deploy until the plugin is installed on every Connect worker.</p>
        </div>
      )}
      {template && otherErrors.length > 0 && (
        <ul className="list-disc pl-5 text-sm text-red-700 dark:text-red-400">
          {otherErrors.map(([key, messages]) => (
            <li key={key}>
              <code>{key}</code>: {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
