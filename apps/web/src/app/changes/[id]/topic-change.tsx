import type { RouterOutputs } from "../../../trpc/types";
import type { PlannedPreview } from "./plan-summary";

type Item = RouterOutputs["changeRequest"]["byId"]["items"][number];

/** What the preview found of this item's topic on the cluster ("exists: left alone", ...); nothing when Kafka was not read (the plan summary says why). */
function LiveTopic({ item, preview }: { item: Item; preview: PlannedPreview | null }) {
  const topics = preview?.topics;
  const state = topics?.checked ? topics.items.find((t) => t.name === item.topic?.name && t.action === item.action) : undefined;
  if (!state) return null;
  const nothingToDo = (item.action === "create_topic") === state.exists;
  return (
    <p className={`border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800 ${nothingToDo ? "text-amber-800 dark:text-amber-300" : ""}`}>On the cluster: {state.note}.</p>
  );
}

/** A topic item: what the creation makes, or the data loss a deletion means, and its topic on the cluster when the preview read Kafka. */
export function TopicChange({ item, preview }: { item: Item; preview: PlannedPreview | null }) {
  if (!item.topic) return null;
  return (
    <>
      <TopicWhat item={item} />
      <LiveTopic item={item} preview={preview} />
    </>
  );
}

function TopicWhat({ item }: { item: Item }) {
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
