/**
 * Without a database the engine still knows which connectors it manages: it stamps reserved keys into
 * the connector config it sends. Connect keeps unknown keys in a connector's config and connectors
 * ignore them (checked on the real stack, see README "Managed connectors").
 */
export const RESERVED_PREFIX = "switchboard.";
export const ID_KEY = "switchboard.id";
export const VERSION_KEY = "switchboard.version";
/** Who manages the connector: `web/<clusterId>` (the web app) or `cli/<scope>` (the CLI). */
export const MANAGER_KEY = "switchboard.managed-by";

/** The original toolchain (seed 000) kept its id and version inside the connector config itself. */
const LEGACY_ID_KEY = "id";
const LEGACY_VERSION_KEY = "version";

export type ManagedMark = {
  id: string;
  version?: number;
  /** Undefined when the connector was stamped before managers existed, or by the old toolchain. */
  manager?: string;
  /** Stamped by the old toolchain: `id` and `version` inside the config, no reserved keys. */
  legacy?: true;
};

/**
 * Returns the config with the reserved keys set (manager included when the mark has one); the input
 * is not mutated.
 */
export function stampConfig(config: Record<string, string>, mark: Omit<ManagedMark, "legacy">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (!k.startsWith(RESERVED_PREFIX)) out[k] = v;
  out[ID_KEY] = mark.id;
  if (mark.version !== undefined) out[VERSION_KEY] = String(mark.version);
  if (mark.manager !== undefined) out[MANAGER_KEY] = mark.manager;
  return out;
}

/**
 * Reads the reserved keys of an observed config; null when the connector is not managed. A config
 * without reserved keys but with the old toolchain's `id` and `version` (digits) is recognised as
 * stamped with that id and version, without a manager (`legacy`).
 */
export function readMark(config: Record<string, string> | null): ManagedMark | null {
  if (!config) return null;
  const id = config[ID_KEY];
  if (!id) return readLegacyMark(config);
  const version = parseVersion(config[VERSION_KEY]);
  const manager = config[MANAGER_KEY] || undefined;
  return { id, ...(version === undefined ? {} : { version }), ...(manager === undefined ? {} : { manager }) };
}

function readLegacyMark(config: Record<string, string>): ManagedMark | null {
  const id = config[LEGACY_ID_KEY];
  const version = parseVersion(config[LEGACY_VERSION_KEY]);
  return id && version !== undefined ? { id, version, legacy: true } : null;
}

function parseVersion(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** The config without reserved keys (what the user wrote). */
export function userConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (!k.startsWith(RESERVED_PREFIX)) out[k] = v;
  return out;
}

/**
 * The user's part of a config read from the cluster: without reserved keys and, for a connector the
 * old toolchain stamped, without its `id` and `version` keys (Switchboard data, not connector config).
 */
export function observedUserConfig(config: Record<string, string>): Record<string, string> {
  const out = userConfig(config);
  if (readMark(config)?.legacy) {
    delete out[LEGACY_ID_KEY];
    delete out[LEGACY_VERSION_KEY];
  }
  return out;
}
