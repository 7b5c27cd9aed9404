import pLimit from "p-limit";
import type { ConnectorSpec, DesiredSet, Problem, SourceLocation } from "./model";
import { ConnectError, type ConnectPort, type PluginInfo } from "./port";
import { sortProblems, suggest } from "./problems";

export type ClusterValidation = {
  problems: Problem[];
  /** Connector name → config keys whose ConfigDef type is PASSWORD (for masking). */
  secretKeys: Record<string, string[]>;
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
 * Validator errors are mapped back to the config key's place in the input. Connect failures become
 * problems; this function does not throw ConnectError.
 */
export async function validateAgainstCluster(
  desired: DesiredSet,
  connect: ConnectPort,
  opts: { concurrency?: number } = {},
): Promise<ClusterValidation> {
  let plugins: PluginInfo[];
  try {
    plugins = await connect.listPlugins();
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    return { problems: [{ message: `cannot list the cluster's connector plugins: ${err.message}` }], secretKeys: {} };
  }
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
  return { problems: sortProblems(results.flatMap((r) => r.problems)), secretKeys };
}

/**
 * Every name Connect resolves to an installed class: the full class name, the simple name, and the
 * simple name without the `Connector` suffix (`FileStreamSink`).
 */
function classAliases(plugins: readonly PluginInfo[]): Map<string, string> {
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
    const problem: Problem = { message: `connector "${c.name}": the cluster could not validate the config: ${err.message}`, connector: c.name };
    const location = keyLocation(c, "connector.class");
    if (location) problem.location = location;
    return { problems: [problem] };
  }
}

/** Where a config key is written, else where the connector is; undefined for sources without files. */
function keyLocation(c: ConnectorSpec, key: string): SourceLocation | undefined {
  return c.source?.configKeys?.[key] ?? c.source?.location;
}
