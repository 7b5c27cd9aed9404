import type { RouterOutputs } from "../../../trpc/types";

type Item = RouterOutputs["changeRequest"]["byId"]["items"][number];

/** A topic item: what the creation makes, or the data loss a deletion means. */
export function TopicChange({ item }: { item: Item }) {
  const topic = item.topic;
  if (!topic) return null;
  if (item.action === "delete_topic") {
    return (
      <p role="note" className="border-b border-zinc-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-zinc-800 dark:bg-red-950/50 dark:text-red-100">
        <strong>Destructive:</strong> deletes topic <code className="font-mono">{topic.name}</code> and every record in it. The data is lost and cannot be brought back. The deploy refuses while
        any connector on the cluster uses it.
      </p>
    );
  }
  const configs = Object.entries(topic.config ?? {});
  return (
    <p className="border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
      {topic.partitions} {topic.partitions === 1 ? "partition" : "partitions"}, replication factor {topic.replicationFactor}
      {configs.length > 0 && (
        <>
          ; {configs.map(([k, v], i) => (
            <span key={k}>
              {i > 0 && ", "}
              <code className="font-mono">
                {k}={v}
              </code>
            </span>
          ))}
        </>
      )}
      . Created before any connector of this change starts; an existing topic is left as it is.
    </p>
  );
}
