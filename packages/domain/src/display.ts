/**
 * How stored things are shown: connector configs (secret keys masked, credentials inside values
 * redacted), contacts (webhook URLs shortened, their path is often the credential), traces.
 * Detection itself lives in the engine's secrets module; this only applies it to stored shapes.
 */
import { MASK, maskWebhookUrl, redactCredentials, redactText } from "@switchboard/engine/secrets";

export { MASK };

/**
 * The config to show from its stored, display-safe part and the names of its secret keys: a secret
 * key is shown as MASK unless the stored part carries its redacted form (a URL whose password was
 * taken out). Values pass the credential redaction once more, for rows stored before it existed.
 * Sorted by key.
 */
export function displayConfig(config: Record<string, string>, secretKeys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) out[key] = redactCredentials(value);
  for (const key of secretKeys) if (!(key in config)) out[key] = MASK;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A contact as responses show it: webhook URLs masked. */
export function displayContact<T extends { kind: string; target: string }>(contact: T): T {
  return contact.kind === "webhook" ? { ...contact, target: maskWebhookUrl(contact.target) } : contact;
}

/** The first non-empty line of a stack trace, for tables and titles. */
export function firstLine(trace: string | null | undefined): string | null {
  if (!trace) return null;
  const line = trace.split("\n").find((l) => l.trim() !== "");
  return line ? line.trim().slice(0, 300) : null;
}

/**
 * A stored trace as it may be shown: the monitor redacted the connector's secrets when it stored it;
 * credentials written inside the trace are redacted again here, for traces stored before that.
 */
export function displayTrace(trace: string | null | undefined): string | null {
  return trace ? redactText(trace) : null;
}
