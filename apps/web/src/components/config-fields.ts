/**
 * The config editor's pure rules: JSON text to a config, rows to a config and back, and how each
 * value is drawn. Which keys are secret comes from the engine's secrets module (browser-safe), so
 * the form draws password fields by the same rule the server stores secrets by; the server's
 * decision is still the one that counts.
 */
import { isSecretKey, MASK } from "@switchboard/engine/secrets";

export { MASK };

/** Parses JSON text into a config map (string values; numbers and booleans turned into strings). */
export function parseConfigJson(text: string): { ok: true; config: Record<string, string> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : "Not valid JSON." };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "The config must be a JSON object of keys and values." };
  const config: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return { ok: false, error: `"${key}" must be a string, number or boolean.` };
    config[key] = String(v);
  }
  return { ok: true, config };
}

/** One key/value row of the form. `stored` is the value the API sent (null for a row added here). */
export type ConfigRow = { id: number; key: string; value: string; stored: string | null };

/** Rows for a config as the API sent it, in its order. `nextId` gives each row a stable id. */
export function configToRows(config: Record<string, string>, nextId: () => number): ConfigRow[] {
  return Object.entries(config).map(([key, value]) => ({ id: nextId(), key, value, stored: value }));
}

/** The config the rows say: keys trimmed, rows without a key left out, the last of a repeated key wins. */
export function rowsToConfig(rows: readonly ConfigRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() !== "").map((r) => [r.key.trim(), r.value]));
}

/** A value the API sent with its credentials replaced by "(sensitive)", e.g. `jdbc:postgresql://app:(sensitive)@db/x`. */
export function hasRedactedCredentials(value: string): boolean {
  return value !== MASK && value.includes(MASK);
}

/**
 * How a row is drawn:
 * - `redacted`: a value whose credentials the API hid (or that still shows such a placeholder);
 *   shown as text, since the rest is safe to show, and sent back as is unless edited, which keeps
 *   the stored credential. Such a key stays text while it is edited, whatever `secretKeys` says;
 * - `secret`: a password field, for keys the engine's rules call secret (by pattern, or listed in
 *   `secretKeys`: keys stored as secret and the cluster validator's PASSWORD keys); routing keys
 *   such as `connector.class`, `topics` or `connection.url` never are;
 * - `plain`: a text field.
 */
export function fieldKind(row: Pick<ConfigRow, "key" | "value" | "stored">, secretKeys: Iterable<string>): "redacted" | "secret" | "plain" {
  if (hasRedactedCredentials(row.value) || (row.stored !== null && hasRedactedCredentials(row.stored))) return "redacted";
  return isSecretKey(row.key.trim(), secretKeys) ? "secret" : "plain";
}

/** The help under a `redacted` row: what happens to the stored credential. */
export function redactedHelp(row: Pick<ConfigRow, "value" | "stored">): string {
  if (row.stored !== null && row.value === row.stored) return `The stored credential, shown as ${MASK}, is kept. Replace ${MASK} to change it.`;
  if (row.value.includes(MASK)) return `The stored credential is kept where ${MASK} stands.`;
  return "The credential in this value replaces the stored one.";
}

/**
 * Whether a secret row keeps the stored secret: its value is still the "(sensitive)" placeholder
 * the API sent, so the input is drawn empty with "unchanged" and the placeholder is sent back.
 */
export function keepsStoredSecret(row: Pick<ConfigRow, "value" | "stored">): boolean {
  return row.stored === MASK && row.value === MASK;
}

/** What a secret row holds after the user typed `typed` into its field: clearing a stored secret's field keeps the stored secret. */
export function typedSecretValue(row: Pick<ConfigRow, "stored">, typed: string): string {
  return typed === "" && row.stored === MASK ? MASK : typed;
}
