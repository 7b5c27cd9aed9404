/**
 * Masking for responses: connector configs (secret keys shown as MASK, provider references as-is),
 * webhook URLs (their path often is the credential, e.g. Slack's) and arbitrary audit documents.
 */
import { isConfigProviderReference, isSecretKey, MASK, maskConfig } from "@switchboard/engine/secrets";

export { MASK };

/** The config to show: non-secret keys masked by pattern, stored secret keys as MASK. Sorted by key. */
export function displayConfig(config: Record<string, string>, secretKeys: readonly string[]): Record<string, string> {
  const merged: Record<string, string> = { ...maskConfig(config, secretKeys) };
  for (const key of secretKeys) merged[key] = MASK;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

/** `https://hooks.example.com/services/T0/B0/xyz` -> `https://hooks.example.com/…`: enough to recognise, not to use. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    const hasMore = (u.pathname !== "/" && u.pathname !== "") || u.search !== "";
    return `${u.protocol}//${u.host}${hasMore ? "/…" : ""}`;
  } catch {
    return MASK;
  }
}

/** A contact as responses show it: webhook URLs masked. */
export function displayContact<T extends { kind: string; target: string }>(contact: T): T {
  return contact.kind === "webhook" ? { ...contact, target: maskWebhookUrl(contact.target) } : contact;
}

// Names of env vars that hold credentials are not credentials: `authPasswordEnv` stays visible.
const NOT_SECRET = /Env$|^secretKeys$|^proposedSecretKeys$|^changedSecretKeys$/;

/**
 * Deep copy of a JSON-like value with every string under a secret-looking key replaced by MASK
 * (provider references kept) and webhook contact targets masked. A second line of defence for the
 * audit log: the repositories already store public shapes only.
 */
export function maskDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskDocument);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    if (typeof v === "string" && !NOT_SECRET.test(key) && isSecretKey(key) && !isConfigProviderReference(v)) out[key] = MASK;
    else if (key === "target" && typeof v === "string" && record.kind === "webhook") out[key] = maskWebhookUrl(v);
    else out[key] = maskDocument(v);
  }
  return out;
}

/** The first non-empty line of a stack trace, for tables and titles. */
export function firstLine(trace: string | null | undefined): string | null {
  if (!trace) return null;
  const line = trace.split("\n").find((l) => l.trim() !== "");
  return line ? line.trim().slice(0, 300) : null;
}
