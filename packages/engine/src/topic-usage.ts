/**
 * Which topics a connector config uses, read conservatively: a topic is deleted only when no
 * connector could be reading or writing it, so a doubtful match counts as a use.
 */

/** Keys holding topic names (comma-separated): sinks' `topics`, sources' `topic`, and any `*.topic`/`*.topics`/`*.topic.name` (dead-letter queues, schema history, offsets). */
function namesTopics(key: string): boolean {
  return key === "topic" || key === "topics" || key === "topic.name" || key.endsWith(".topic") || key.endsWith(".topics") || key.endsWith(".topic.name");
}

/** Keys holding a prefix of the topics a source writes (Debezium, JDBC sources: `<prefix><table>`). */
function prefixesTopics(key: string): boolean {
  return key === "topic.prefix" || key.endsWith(".topic.prefix");
}

/** Keys holding a (Java) regular expression of topics: sinks' `topics.regex`. */
function matchesTopics(key: string): boolean {
  return key === "topics.regex" || key.endsWith(".topics.regex");
}

/**
 * Whether a connector with this config may use the topic. A null config (Connect returned none) or a
 * regular expression JavaScript cannot read counts as a use: nobody can tell otherwise.
 */
export function configUsesTopic(config: Readonly<Record<string, string>> | null, topic: string): boolean {
  if (config === null) return true;
  for (const [key, value] of Object.entries(config)) {
    if (namesTopics(key) && value.split(",").some((v) => v.trim() === topic)) return true;
    if (prefixesTopics(key) && value.trim() !== "" && topic.startsWith(value.trim())) return true;
    if (matchesTopics(key) && value.trim() !== "") {
      try {
        if (new RegExp(`^(?:${value.trim()})$`).test(topic)) return true;
      } catch {
        return true;
      }
    }
  }
  return false;
}
