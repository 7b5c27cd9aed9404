import type { RouterOutputs } from "../trpc/types";

export type ConnectorOffset = Extract<RouterOutputs["offsets"]["live"], { onCluster: true }>["offsets"][number];

/** A partition or offset map in one line: `kafka_topic=orders kafka_partition=0`. */
export function describeOffsetMap(map: Record<string, unknown> | null): string {
  if (map === null) return "—";
  return Object.entries(map)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function key(partition: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(partition).sort().map((k) => [k, partition[k]])));
}

/**
 * Offsets by partition: one column, or before and after side by side (a change's preview, a
 * deployment's snapshot). Sink partitions read `kafka_topic`/`kafka_partition`, offsets
 * `kafka_offset`; a source's are its own maps.
 */
export function OffsetsTable({ caption, offsets, after }: { caption: string; offsets: readonly ConnectorOffset[] | null; after?: readonly ConnectorOffset[] | null }) {
  const rows = new Map<string, { partition: Record<string, unknown>; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>();
  for (const o of offsets ?? []) rows.set(key(o.partition), { partition: o.partition, before: o.offset, after: null });
  for (const o of after ?? []) rows.set(key(o.partition), { partition: o.partition, before: rows.get(key(o.partition))?.before ?? null, after: o.offset });
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const sideBySide = after !== undefined;
  if (sorted.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">{sideBySide ? "No committed offsets before or after." : "No committed offsets."}</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-xs text-zinc-600 dark:text-zinc-400">
        <tr>
          <th scope="col" className="py-1 pr-4 font-medium">Partition</th>
          <th scope="col" className="py-1 pr-4 font-medium">{sideBySide ? "Before" : "Offset"}</th>
          {sideBySide && <th scope="col" className="py-1 font-medium">After</th>}
        </tr>
      </thead>
      <tbody className="font-mono text-xs">
        {sorted.map((r) => {
          const changed = sideBySide && describeOffsetMap(r.before) !== describeOffsetMap(r.after);
          return (
            <tr key={key(r.partition)} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className="py-1 pr-4">{describeOffsetMap(r.partition)}</td>
              <td className="py-1 pr-4">{describeOffsetMap(r.before)}</td>
              {sideBySide && <td className={`py-1 ${changed ? "font-semibold text-purple-800 dark:text-purple-300" : ""}`}>{describeOffsetMap(r.after)}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
