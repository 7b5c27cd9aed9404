/**
 * Without a database the engine still knows which connectors it manages: it stamps reserved keys into
 * the connector config it sends. Connect keeps unknown keys in a connector's config and connectors
 * ignore them (checked on the real stack, see README "Managed connectors").
 */
export const RESERVED_PREFIX = "switchboard.";
export const ID_KEY = "switchboard.id";
export const VERSION_KEY = "switchboard.version";

export type ManagedMark = { id: string; version?: number };

/** Returns the config with the reserved keys set; the input is not mutated. */
export function stampConfig(config: Record<string, string>, mark: ManagedMark): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (!k.startsWith(RESERVED_PREFIX)) out[k] = v;
  out[ID_KEY] = mark.id;
  if (mark.version !== undefined) out[VERSION_KEY] = String(mark.version);
  return out;
}

/** Reads the reserved keys of an observed config; null when the connector is not managed. */
export function readMark(config: Record<string, string> | null): ManagedMark | null {
  const id = config?.[ID_KEY];
  if (!id) return null;
  const raw = config[VERSION_KEY];
  const version = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  return version === undefined ? { id } : { id, version };
}

/** The config without reserved keys (what the user wrote). */
export function userConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (!k.startsWith(RESERVED_PREFIX)) out[k] = v;
  return out;
}
