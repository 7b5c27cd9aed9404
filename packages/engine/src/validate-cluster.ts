import pLimit from "p-limit";
import type { ConnectorSpec, DesiredSet, PlanWarning, Problem, SourceLocation } from "./model";
import { checkWorkers, classAliases, pinnedVersionKeys, type WorkerReport } from "./plugins";
import { ConnectError, type ConnectPort, type PluginInfo } from "./port";
import { sortProblems, suggest } from "./problems";

export type ClusterValidation = {
  problems: Problem[];
  /** Connector name → config keys whose ConfigDef type is PASSWORD (for masking). */
  secretKeys: Record<string, string[]>;
  /** Per-worker findings that do not block (a plugin missing on some workers, version skew, a worker not read). */
  warnings: PlanWarning[];
};

// Plugin types that are not connectors, in case the port lists every plugin.
const NON_CONNECTOR_TYPES = new Set([
  "converter",
  "header_converter",
  "transformation",
  "predicate",
  "config_provider",
  "rest_extension",
  "connector_client_config_override_policy",
]);

/**
 * Checks desired connectors against the cluster: the connector class must be installed, and the
 * cluster's own validator (`PUT /connector-plugins/{class}/config/validate`) must accept the config.
 * Validator errors are mapped back to the config key's place in the input. When the port reads each
 * worker on its own, the plugins of every worker that answered count, and the per-worker checks of
 * plugins.ts run (a pinned plugin version on a worker older than 4.1 is a problem). Connect failures
 * become problems; this function does not throw ConnectError.
 */
export async function validateAgainstCluster(
  desired: DesiredSet,
  connect: ConnectPort,
  opts: { concurrency?: number } = {},
): Promise<ClusterValidation> {
  const workers: WorkerReport[] = connect.inspectWorkers ? await connect.inspectWorkers() : [];
  const listedByWorkers = workers.flatMap((w) => w.plugins ?? []);
  let plugins: PluginInfo[];
  try {
    plugins = listedByWorkers.length > 0 ? listedByWorkers : await connect.listPlugins();
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    return { problems: [{ message: `cannot list the cluster's connector plugins: ${err.message}` }], secretKeys: {}, warnings: [] };
  }
  const perWorker = checkWorkers(desired, workers);
  const aliases = classAliases(plugins.filter((p) => !NON_CONNECTOR_TYPES.has(p.type)));
  const limit = pLimit(opts.concurrency ?? 8);
  const results = await Promise.all(
    desired.connectors.map((c) => {
      const connectorClass = c.config["connector.class"];
      // A missing class is a load-time problem; nothing to ask the cluster.
      if (connectorClass === undefined) return { problems: [] };
      if (!aliases.has(connectorClass)) return { problems: [unknownClass(c, connectorClass, [...aliases.keys()])] };
      return limit(() => validateOne(connect, c, connectorClass));
    }),
  );
  const secretKeys: Record<string, string[]> = {};
  for (const [i, r] of results.entries()) {
    const name = desired.connectors[i]?.name;
    if (name !== undefined && "secrets" in r && r.secrets) secretKeys[name] = r.secrets;
  }
  return { problems: sortProblems([...results.flatMap((r) => r.problems), ...perWorker.problems]), secretKeys, warnings: perWorker.warnings };
}

function unknownClass(c: ConnectorSpec, connectorClass: string, known: string[]): Problem {
  const suggestion = suggest(connectorClass, known);
  const problem: Problem = {
    message: `unknown connector class "${connectorClass}" on the cluster${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
    connector: c.name,
  };
  if (!suggestion) problem.hint = "install the plugin on every worker, or check the class name (GET /connector-plugins lists them)";
  const location = keyLocation(c, "connector.class");
  if (location) problem.location = location;
  return problem;
}

async function validateOne(
  connect: ConnectPort,
  c: ConnectorSpec,
  connectorClass: string,
): Promise<{ problems: Problem[]; secrets?: string[] }> {
  try {
    const result = await connect.validateConfig(connectorClass, { ...c.config, name: c.name });
    const problems: Problem[] = [];
    const secrets: string[] = [];
    for (const entry of result.configs) {
      if (entry.type === "PASSWORD") secrets.push(entry.name);
      for (const error of entry.errors) {
        const problem: Problem = { message: `connector "${c.name}": ${entry.name}: ${error}`, connector: c.name };
        const location = keyLocation(c, entry.name);
        if (location) problem.location = location;
        problems.push(problem);
      }
    }
    return { problems, secrets: secrets.sort() };
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    const pinned = pinnedVersionKeys(c.config);
    if (pinned.length > 0 && VERSIONED_PLUGIN_FAILURE.test(err.message)) return { problems: [pinMatchesNothing(c, connectorClass, pinned)] };
    const problem: Problem = { message: `connector "${c.name}": the cluster could not validate the config: ${err.message}`, connector: c.name };
    const location = keyLocation(c, "connector.class");
    if (location) problem.location = location;
    return { problems: [problem] };
  }
}

/**
 * Kafka Connect 4.3.1 answers the first validation of a pinned version that no installed plugin
 * matches with a clear error on the key, but repeats of it with a 500 (a NullPointerException inside
 * VersionedPluginLoadingException, checked on the local stack): say what it means instead.
 */
const VERSIONED_PLUGIN_FAILURE = /VersionedPluginLoadingException/;

function pinMatchesNothing(c: ConnectorSpec, connectorClass: string, pinned: string[]): Problem {
  const key = pinned[0] as string;
  const asked = pinned.map((k) => `${k}=${c.config[k]}`).join(", ");
  const problem: Problem = {
    message: `connector "${c.name}": ${key}: no installed plugin matches the pinned version (${asked}); GET /connector-plugins lists the versions the workers have (the cluster's validator failed on it for ${connectorClass})`,
    connector: c.name,
  };
  const location = keyLocation(c, key);
  if (location) problem.location = location;
  return problem;
}

/** Where a config key is written, else where the connector is; undefined for sources without files. */
function keyLocation(c: ConnectorSpec, key: string): SourceLocation | undefined {
  return c.source?.configKeys?.[key] ?? c.source?.location;
}
