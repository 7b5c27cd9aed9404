/**
 * Plugins and versions per worker (KIP-891). A Connect cluster is only as good as its least equipped
 * worker: a task assigned to a worker without the connector's class fails there, and workers with
 * different plugin versions run different code for one connector. Pinning a version
 * (`connector.plugin.version` and friends) needs Kafka 4.1+; older workers accept the key and ignore
 * it, so a pin is refused unless every worker is new enough. Pure: the per-worker reports are an
 * input (the port's `inspectWorkers`), so every check here is unit-testable.
 */
import semver from "semver";
import type { ConnectorSpec, DesiredSet, PlanWarning, Problem } from "./model";
import type { PluginInfo } from "./port";

/** What one worker of a cluster answered to `GET /`, `GET /health` and `GET /connector-plugins`. */
export type WorkerReport = {
  /** The worker's URL as configured, without user info. */
  url: string;
  /** False when the worker gave no usable answer to `GET /`. */
  reachable: boolean;
  /** Why the worker (or part of it) could not be read, in fixed words; never what the other side sent. */
  error?: string;
  /** Kafka version (`GET /`), e.g. `4.3.1`. */
  version?: string;
  commit?: string;
  /** `GET /health` (Connect 3.9+); `status: "unknown"` when the worker has no such endpoint. */
  health?: { healthy: boolean; status: string; message: string };
  /** Every plugin the worker lists (connectors, converters, transformations, ...); null when not read. */
  plugins: PluginInfo[] | null;
};

/** A plugin class across the workers that listed their plugins. */
export type PluginSummary = {
  class: string;
  type: string;
  /** Versions per worker URL (a 4.1+ worker may hold several versions of one class). */
  versions: Record<string, string[]>;
  /** Workers (that answered) without this class. */
  missingOn: string[];
  onAllWorkers: boolean;
  /** Every worker that has the class has exactly the same versions of it. */
  sameVersionEverywhere: boolean;
};

/** The first Kafka version whose workers honour `*.plugin.version` (KIP-891). */
export const PLUGIN_VERSION_MIN = "4.1.0";

const PINNED_KEY = /^(connector|key\.converter|value\.converter|header\.converter|transforms\..+|predicates\..+)\.plugin\.version$/;

/** Config keys that pin a plugin version: connector, converters, transformations and predicates. */
export function pinnedVersionKeys(config: Record<string, string>): string[] {
  return Object.keys(config)
    .filter((k) => PINNED_KEY.test(k) && config[k]?.trim() !== "")
    .sort();
}

/**
 * The Apache Kafka version a worker's `GET /` version stands for, or null when it is not one.
 * Snapshots count as their release (`4.1.0-SNAPSHOT` → 4.1.0). Confluent Platform workers report
 * their own numbering with a `-ccs`/`-ce` suffix: CP 7.x ships Kafka 3.x, CP 8.x Kafka 4.x (same
 * minor), and anything older is Kafka 2.x or earlier.
 */
export function kafkaVersion(raw: string): semver.SemVer | null {
  const trimmed = raw.trim();
  if (!/^\d+(\.\d+)*([-+.].*)?$/.test(trimmed)) return null;
  const v = semver.coerce(trimmed);
  if (!v) return null;
  if (/-(ccs|ce)\b/i.test(trimmed)) {
    if (v.major < 7) return new semver.SemVer("2.0.0");
    return new semver.SemVer(`${v.major - 4}.${v.minor}.${v.patch}`);
  }
  return v;
}

/** Whether a worker of this version honours `*.plugin.version`; false for versions that cannot be read. */
export function supportsPluginVersions(raw: string): boolean {
  const v = kafkaVersion(raw);
  return v !== null && semver.gte(v, PLUGIN_VERSION_MIN);
}

/**
 * Every name Connect resolves to an installed class: the full class name, the simple name, and the
 * simple name without the `Connector` suffix (`FileStreamSink`).
 */
export function classAliases(plugins: readonly PluginInfo[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of plugins) {
    const simple = p.class.slice(p.class.lastIndexOf(".") + 1);
    out.set(p.class, p.class);
    if (!out.has(simple)) out.set(simple, p.class);
    if (simple.endsWith("Connector") && simple.length > "Connector".length) {
      const short = simple.slice(0, -"Connector".length);
      if (!out.has(short)) out.set(short, p.class);
    }
  }
  return out;
}

/** Workers whose plugin list was read. */
function listed(workers: readonly WorkerReport[]): Array<WorkerReport & { plugins: PluginInfo[] }> {
  return workers.filter((w): w is WorkerReport & { plugins: PluginInfo[] } => w.plugins !== null);
}

function versionsOn(w: { plugins: PluginInfo[] }, cls: string): string[] {
  return [...new Set(w.plugins.filter((p) => p.class === cls).map((p) => p.version ?? "unknown"))].sort();
}

/** One line per plugin class over the workers that listed their plugins, sorted by type then class. */
export function summarisePlugins(workers: readonly WorkerReport[]): PluginSummary[] {
  const answered = listed(workers);
  const classes = new Map<string, string>();
  for (const w of answered) for (const p of w.plugins) if (!classes.has(p.class)) classes.set(p.class, p.type);
  return [...classes]
    .map(([cls, type]) => {
      const versions: Record<string, string[]> = {};
      const missingOn: string[] = [];
      for (const w of answered) {
        const v = versionsOn(w, cls);
        if (v.length === 0) missingOn.push(w.url);
        else versions[w.url] = v;
      }
      const distinct = new Set(Object.values(versions).map((v) => v.join(",")));
      return { class: cls, type, versions, missingOn, onAllWorkers: missingOn.length === 0, sameVersionEverywhere: distinct.size <= 1 };
    })
    .sort((a, b) => (a.type === b.type ? (a.class < b.class ? -1 : 1) : a.type < b.type ? -1 : 1));
}

export type WorkerCheck = { warnings: PlanWarning[]; problems: Problem[] };

/**
 * Checks desired connectors against each worker's plugins and version:
 * - PLUGIN_MISSING (warning): the connector's class is on some workers but not all (a class on none
 *   is the validator's "unknown connector class" problem);
 * - PLUGIN_VERSION_SKEW (warning): the workers hold different versions of the class;
 * - a pinned `*.plugin.version` with any worker older than Kafka 4.1 (or of a version that cannot be
 *   read) is a problem: that worker would ignore the pin and run whatever version it has;
 * - WORKER_UNREACHABLE (warning): a worker that did not answer could not be checked.
 */
export function checkWorkers(desired: DesiredSet, workers: readonly WorkerReport[]): WorkerCheck {
  const warnings: PlanWarning[] = [];
  const problems: Problem[] = [];
  if (desired.connectors.length === 0 || workers.length === 0) return { warnings, problems };
  const answered = listed(workers);
  const aliases = classAliases(answered.flatMap((w) => w.plugins));

  for (const c of desired.connectors) {
    const written = c.config["connector.class"];
    const cls = written === undefined ? undefined : aliases.get(written);
    if (cls !== undefined) {
      const missing = answered.filter((w) => versionsOn(w, cls).length === 0).map((w) => w.url);
      if (missing.length > 0) {
        warnings.push({
          connector: c.name,
          code: "PLUGIN_MISSING",
          message: `${cls} is not installed on ${plural(missing.length, "worker")} ${missing.join(", ")}: a task assigned there fails. Install the plugin on every worker of the cluster.`,
        });
      }
      const byWorker = answered.filter((w) => !missing.includes(w.url)).map((w) => ({ url: w.url, versions: versionsOn(w, cls) }));
      if (new Set(byWorker.map((w) => w.versions.join(","))).size > 1) {
        warnings.push({
          connector: c.name,
          code: "PLUGIN_VERSION_SKEW",
          message: `${cls} differs across workers (${byWorker.map((w) => `${w.versions.join(" and ")} on ${w.url}`).join(", ")}): its tasks run different code depending on where they land.`,
        });
      }
    }
    const pinned = pinnedVersionKeys(c.config);
    if (pinned.length > 0) {
      const old = workers.filter((w) => w.reachable && (w.version === undefined || !supportsPluginVersions(w.version)));
      if (old.length > 0) problems.push(unsupportedPin(c, pinned, old));
    }
  }
  const silent = workers.filter((w) => !w.reachable || w.plugins === null);
  for (const w of silent) {
    warnings.push({ code: "WORKER_UNREACHABLE", message: `worker ${w.url} could not be read (${w.error ?? "no answer"}): its plugins and version were not checked.` });
  }
  return { warnings, problems };
}

function unsupportedPin(c: ConnectorSpec, pinned: string[], old: WorkerReport[]): Problem {
  const key = pinned[0] as string;
  const runs = old.map((w) => (w.version === undefined ? `${w.url} did not say its version` : kafkaVersion(w.version) ? `${w.url} runs ${w.version}` : `${w.url} runs "${w.version}", not a Kafka version`));
  const problem: Problem = {
    // Shaped like the validator's problems ("connector "x": key: message") so the web app puts it under the key.
    message: `connector "${c.name}": ${key}: pinning a plugin version (${pinned.join(", ")}) needs Kafka Connect ${PLUGIN_VERSION_MIN.slice(0, 3)} or newer on every worker (KIP-891), and older workers silently ignore it; ${runs.join(", ")}.`,
    connector: c.name,
    hint: `remove ${pinned.length === 1 ? "the key" : "the keys"}, or upgrade the workers to Kafka ${PLUGIN_VERSION_MIN.slice(0, 3)}+`,
  };
  const location = c.source?.configKeys?.[key] ?? c.source?.location;
  if (location) problem.location = location;
  return problem;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
