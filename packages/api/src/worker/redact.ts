/**
 * Belt and braces for text the worker stores or sends (deployment events and reports, incident
 * traces, notifications): Connect error messages and stack traces may echo config values, so known
 * secret values are replaced with the mask wherever they appear.
 */
import { isConfigProviderReference, isSecretKey, MASK } from "@switchboard/engine/secrets";

/** Shorter values would mask innocent text everywhere (a secret that short is no secret anyway). */
const MIN_LENGTH = 4;

/** The secret values of a config: keys matched by pattern or listed, provider references excluded. */
export function secretValuesOf(config: Record<string, string>, extraSecretKeys?: Iterable<string>): string[] {
  const extras = extraSecretKeys === undefined ? undefined : [...extraSecretKeys];
  return Object.entries(config).flatMap(([key, value]) => (isSecretKey(key, extras) && !isConfigProviderReference(value) ? [value] : []));
}

/** A copy of a JSON-like value with every occurrence of a secret value in its strings replaced by the mask. */
export function redactSecrets<T>(value: T, secrets: Iterable<string>): T {
  const list = [...new Set(secrets)].filter((s) => s.length >= MIN_LENGTH).sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const redactString = (s: string) => list.reduce((acc, secret) => acc.split(secret).join(MASK), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date) return v;
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
