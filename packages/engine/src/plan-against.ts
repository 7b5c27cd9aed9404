import type { DesiredSet, ObservedCluster, Plan, Problem } from "./model";
import { plan, type PlanOptions } from "./plan";
import type { ConnectPort, TopicPort } from "./port";
import { validateAgainstCluster } from "./validate-cluster";

export type PlanAgainstOptions = PlanOptions & {
  /** Validator requests in flight at once. Default 8. */
  concurrency?: number;
};

export type PlanAgainstResult = {
  /** Computed even when there are problems, so it can be shown; apply it only when `problems` is empty and it has no conflicts. */
  plan: Plan;
  /** Connector name → keys to mask: `opts.secretKeys` merged with the keys the cluster types as PASSWORD. */
  secretKeys: Record<string, string[]>;
  /** The cluster's verdict on the desired set (unknown classes, validator errors). Non-empty: do not apply. */
  problems: Problem[];
  /** What was read from the cluster, unrestricted by any scope. */
  observed: ObservedCluster;
};

/**
 * The one way every front door plans against a live cluster (the CLI, the web app's preview and its
 * deploy): read the cluster's connectors (and topics when a {@link TopicPort} is given), check the
 * desired set against the cluster's plugins and validator (and each worker's plugins and version when
 * the port reads workers: their warnings join the plan's), then {@link plan} with the options.
 * Reading comes first, so an unreachable cluster fails with its ConnectError before anything else.
 * Throws ConnectError when the cluster cannot be read; validator failures become problems.
 */
export async function planAgainst(
  desired: DesiredSet,
  connect: ConnectPort,
  topics?: TopicPort,
  opts: PlanAgainstOptions = {},
): Promise<PlanAgainstResult> {
  const connectors = await connect.listConnectors();
  const observed: ObservedCluster = topics ? { connectors, topics: await topics.listTopics() } : { connectors };
  const { concurrency, ...planOptions } = opts;
  const checked = await validateAgainstCluster(desired, connect, concurrency === undefined ? {} : { concurrency });
  const secretKeys = mergeSecretKeys(opts.secretKeys ?? {}, checked.secretKeys);
  const planned = plan(desired, observed, { ...planOptions, secretKeys });
  return {
    plan: checked.warnings.length === 0 ? planned : { ...planned, warnings: [...planned.warnings, ...checked.warnings] },
    secretKeys,
    problems: checked.problems,
    observed,
  };
}

function mergeSecretKeys(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    out[name] = [...new Set([...(a[name] ?? []), ...(b[name] ?? [])])].sort();
  }
  return out;
}
