/**
 * A cluster's workers as every signed-in user may see them: each worker's Kafka version, health and
 * plugins, and per plugin whether every worker has it in the same version. Nothing here carries the
 * cluster's credentials: worker URLs lose any user info, errors are fixed words, and the workers'
 * own health messages are redacted.
 */
import type { Cluster } from "@switchboard/db/repos/clusters";
import { withoutUserInfo } from "@switchboard/connect-client/client";
import { summarisePlugins, supportsPluginVersions, type PluginSummary, type WorkerReport } from "@switchboard/engine/plugins";
import type { ConnectPort, PluginInfo } from "@switchboard/engine/port";
import { redactDeep, redactText } from "@switchboard/engine/secrets";
import { clusterCredential } from "./env";

export type WorkerView = {
  url: string;
  reachable: boolean;
  /** Why the worker (or its plugin list) could not be read, in fixed words; null when all was read. */
  error: string | null;
  version: string | null;
  commit: string | null;
  health: { healthy: boolean; status: string; message: string } | null;
  /** False when the worker's plugin list could not be read (then `plugins` is empty). */
  pluginsListed: boolean;
  plugins: PluginInfo[];
  /** Honours `*.plugin.version` (Kafka 4.1+); null when its version is unknown. */
  supportsPluginVersions: boolean | null;
};

export type ClusterWorkers = {
  cluster: { id: string; name: string; environment: string };
  workers: WorkerView[];
  plugins: PluginSummary[];
  /** Every worker that answered honours `*.plugin.version`, and at least one answered. */
  pinningSupported: boolean;
  checkedAt: Date;
};

/**
 * Reads each worker of the cluster on its own (see the port's `inspectWorkers`). A port that cannot
 * read workers one by one (a test double) is answered with the configured URLs, none read.
 */
export async function describeClusterWorkers(cluster: Cluster, connect: ConnectPort): Promise<ClusterWorkers> {
  const reports: WorkerReport[] = connect.inspectWorkers
    ? await connect.inspectWorkers()
    : cluster.connectUrls.map((url) => ({ url, reachable: false, error: "not read", plugins: null }));
  // A worker may echo what it was sent (a health message naming the caller): the credentials never pass.
  const workers = redactDeep(reports.map(toView), credentialValues(cluster));
  const answered = workers.filter((w) => w.version !== null);
  return {
    cluster: { id: cluster.id, name: cluster.name, environment: cluster.environment },
    workers,
    plugins: summarisePlugins(reports.map((r) => ({ ...r, url: withoutUserInfo(r.url) }))),
    pinningSupported: answered.length > 0 && answered.every((w) => w.supportsPluginVersions === true),
    checkedAt: new Date(),
  };
}

/** The cluster's Connect credentials and their basic-auth token, as the client sends them. */
function credentialValues(cluster: Cluster): string[] {
  try {
    const username = clusterCredential(cluster.authUsernameEnv);
    const password = clusterCredential(cluster.authPasswordEnv);
    const token = username !== undefined && password !== undefined ? [Buffer.from(`${username}:${password}`).toString("base64")] : [];
    return [username, password, ...token].filter((v): v is string => v !== undefined);
  } catch {
    // A variable outside the allowed prefix is never read; the client could not have sent it either.
    return [];
  }
}

function toView(r: WorkerReport): WorkerView {
  return {
    url: withoutUserInfo(r.url),
    reachable: r.reachable,
    error: r.error ?? null,
    version: r.version ?? null,
    commit: r.commit ?? null,
    health: r.health ? { ...r.health, message: redactText(r.health.message) } : null,
    pluginsListed: r.plugins !== null,
    plugins: r.plugins ?? [],
    supportsPluginVersions: r.version === undefined ? null : supportsPluginVersions(r.version),
  };
}

/** How long validation and plan previews reuse a cluster's worker and plugin inventory. */
export const INVENTORY_TTL_MS = 15_000;

type Inventory = { at: number; workers?: Promise<WorkerReport[]>; plugins?: Promise<PluginInfo[]> };

export type InventoryCache = {
  /** `connect` with its worker and plugin inventory (`inspectWorkers`, `listPlugins`) shared per cluster for the TTL; every other call, config validation included, goes through. */
  port(cluster: Pick<Cluster, "id" | "connectUrls">, connect: ConnectPort): ConnectPort;
};

/**
 * An in-process cache of each cluster's worker and plugin inventory, keyed by the cluster's id and
 * its Connect URLs (a changed URL list is another entry), at most `maxEntries` clusters (the
 * oldest go first). Inline validation reads each worker three times per request; a hung worker
 * costs its timeout: within the TTL the inventory is read once. A failed read is not kept.
 */
export function createInventoryCache(opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): InventoryCache {
  const ttlMs = opts.ttlMs ?? INVENTORY_TTL_MS;
  const maxEntries = opts.maxEntries ?? 100;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Inventory>();

  function entry(key: string): Inventory {
    const found = entries.get(key);
    if (found && now() - found.at < ttlMs) return found;
    entries.delete(key);
    const fresh: Inventory = { at: now() };
    entries.set(key, fresh);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    return fresh;
  }

  function shared<K extends "workers" | "plugins">(key: string, field: K, read: () => NonNullable<Inventory[K]>): NonNullable<Inventory[K]> {
    const e = entry(key);
    const cached = e[field];
    if (cached) return cached as NonNullable<Inventory[K]>;
    const reading = read();
    e[field] = reading;
    // Forget a failed read so the next call asks again.
    reading.catch(() => {
      if (e[field] === reading) delete e[field];
    });
    return reading;
  }

  return {
    port(cluster, connect) {
      const key = `${cluster.id}\n${cluster.connectUrls.join("\n")}`;
      const inspectWorkers = connect.inspectWorkers ? () => shared(key, "workers", () => connect.inspectWorkers!()) : undefined;
      const listPlugins = () => shared(key, "plugins", () => connect.listPlugins());
      return new Proxy(connect, {
        get(target, prop) {
          if (prop === "inspectWorkers") return inspectWorkers;
          if (prop === "listPlugins") return listPlugins;
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
}

/** The API's cache for inline validation and plan previews (not the deploy, which reads the cluster fresh). */
export const inventoryCache = createInventoryCache();
