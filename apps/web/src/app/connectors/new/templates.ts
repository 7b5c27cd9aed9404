/** Connector templates for the "new connector" page: the fields people fill, and the config they make. */
export type TemplateField = {
  key: string;
  label: string;
  description?: string;
  kind: "text" | "number" | "password" | "select";
  options?: readonly string[];
  required?: boolean;
  defaultValue?: string;
  /** Shown (and sent) only when this returns true for the current values. */
  visible?: (values: Record<string, string>) => boolean;
};

export type ConnectorTemplate = {
  id: string;
  name: string;
  description: string;
  connectorClass: string;
  fields: readonly TemplateField[];
  /** Keys set without a field. */
  fixed?: Record<string, string>;
};

const TASKS: TemplateField = { key: "tasks.max", label: "Max tasks", kind: "number", defaultValue: "1", required: true };

/** KIP-891: pins the plugin's version on Kafka 4.1+ workers; the server refuses it while any worker is older. */
export const PLUGIN_VERSION: TemplateField = {
  key: "connector.plugin.version",
  label: "Plugin version",
  kind: "text",
  description: "Optional: pin the connector plugin's version, e.g. 4.3.1 or a range such as [4.0,5.0). Needs Kafka 4.1 or newer on every worker (the cluster page lists each worker's versions). Empty: the version the workers load.",
};

export const TEMPLATES: readonly ConnectorTemplate[] = [
  {
    id: "file-source",
    name: "FileStream source",
    description: "Reads lines of a file on the Connect worker into a topic.",
    connectorClass: "org.apache.kafka.connect.file.FileStreamSourceConnector",
    fields: [
      { key: "file", label: "File", kind: "text", required: true, description: "Path on every Connect worker." },
      { key: "topic", label: "Topic", kind: "text", required: true },
      { key: "batch.size", label: "Batch size", kind: "number", defaultValue: "2000" },
      TASKS,
      PLUGIN_VERSION,
    ],
  },
  {
    id: "file-sink",
    name: "FileStream sink",
    description: "Writes the records of topics to a file on the Connect worker.",
    connectorClass: "org.apache.kafka.connect.file.FileStreamSinkConnector",
    fields: [
      { key: "topics", label: "Topics", kind: "text", required: true, description: "Comma-separated." },
      { key: "file", label: "File", kind: "text", required: true, description: "Path on every Connect worker; its directory must exist." },
      TASKS,
      PLUGIN_VERSION,
    ],
  },
  {
    id: "mock-sink",
    name: "MockSink (demo)",
    description: "A test sink that does nothing, or fails on demand: handy for trying health alerts.",
    connectorClass: "org.apache.kafka.connect.tools.MockSinkConnector",
    fields: [
      { key: "topics", label: "Topics", kind: "text", required: true },
      { key: "mock_mode", label: "Failure mode", kind: "select", options: ["", "task-failure", "connector-failure"], description: "Empty: never fails." },
      { key: "delay_ms", label: "Fail after (ms)", kind: "number", defaultValue: "15000", visible: (v) => (v.mock_mode ?? "") !== "" },
      TASKS,
      PLUGIN_VERSION,
    ],
  },
  {
    id: "mirror-source",
    name: "MirrorMaker 2 source",
    description: "Replicates topics from another Kafka cluster.",
    connectorClass: "org.apache.kafka.connect.mirror.MirrorSourceConnector",
    fields: [
      { key: "source.cluster.alias", label: "Source cluster alias", kind: "text", required: true, defaultValue: "source" },
      { key: "source.cluster.bootstrap.servers", label: "Source bootstrap servers", kind: "text", required: true },
      { key: "target.cluster.alias", label: "Target cluster alias", kind: "text", required: true, defaultValue: "target" },
      { key: "target.cluster.bootstrap.servers", label: "Target bootstrap servers", kind: "text", required: true },
      { key: "topics", label: "Topics (regex)", kind: "text", defaultValue: ".*" },
      { key: "replication.factor", label: "Replication factor", kind: "number", defaultValue: "1" },
      { key: "offset-syncs.topic.replication.factor", label: "Offset-syncs topic replication factor", kind: "number", defaultValue: "1" },
      TASKS,
      PLUGIN_VERSION,
    ],
  },
  {
    id: "jdbc-source",
    name: "JDBC source",
    description: "Copies tables of a relational database into topics (Confluent JDBC connector; the plugin must be installed on the cluster).",
    connectorClass: "io.confluent.connect.jdbc.JdbcSourceConnector",
    fields: [
      { key: "connection.url", label: "Connection URL", kind: "text", required: true, description: "e.g. jdbc:postgresql://db:5432/payments" },
      { key: "connection.user", label: "User", kind: "text" },
      { key: "connection.password", label: "Password", kind: "password", description: "Stored encrypted, never shown again. A ${file:/path:key} reference works too." },
      { key: "table.whitelist", label: "Tables", kind: "text", description: "Comma-separated; empty copies every table." },
      { key: "mode", label: "Mode", kind: "select", options: ["timestamp", "incrementing", "timestamp+incrementing"], required: true, defaultValue: "timestamp" },
      { key: "timestamp.column.name", label: "Timestamp column", kind: "text", required: true, visible: (v) => v.mode === "timestamp" || v.mode === "timestamp+incrementing" },
      { key: "incrementing.column.name", label: "Incrementing column", kind: "text", required: true, visible: (v) => v.mode === "incrementing" || v.mode === "timestamp+incrementing" },
      { key: "topic.prefix", label: "Topic prefix", kind: "text", required: true, description: "Each table goes to <prefix><table>." },
      { key: "poll.interval.ms", label: "Poll interval (ms)", kind: "number", defaultValue: "5000" },
      TASKS,
      PLUGIN_VERSION,
    ],
  },
  {
    id: "postgres-debezium",
    name: "PostgreSQL source (Debezium)",
    description:
      "Streams every insert, update and delete of PostgreSQL tables into topics (Debezium, logical decoding with pgoutput; the server needs wal_level=logical). The local stack ships this plugin.",
    connectorClass: "io.debezium.connector.postgresql.PostgresConnector",
    fields: [
      { key: "database.hostname", label: "Host", kind: "text", required: true },
      { key: "database.port", label: "Port", kind: "number", required: true, defaultValue: "5432" },
      { key: "database.dbname", label: "Database", kind: "text", required: true },
      { key: "database.user", label: "User", kind: "text", required: true, description: "Needs the REPLICATION attribute (or superuser) to read the write-ahead log." },
      { key: "database.password", label: "Password", kind: "password", description: "Stored encrypted, never shown again. A ${file:/path:key} reference works too." },
      { key: "topic.prefix", label: "Topic prefix", kind: "text", required: true, description: "Each table goes to <prefix>.<schema>.<table>; also names the connector's offsets." },
      { key: "table.include.list", label: "Tables", kind: "text", description: "Comma-separated schema.table (regular expressions); empty captures every table." },
      { key: "slot.name", label: "Replication slot", kind: "text", required: true, defaultValue: "debezium", description: "One per connector on a database; kept when the connector stops, so it resumes where it was." },
      { key: "publication.autocreate.mode", label: "Publication", kind: "select", options: ["filtered", "all_tables", "disabled"], defaultValue: "filtered", description: "filtered: a publication of the listed tables only." },
      { key: "snapshot.mode", label: "Initial snapshot", kind: "select", options: ["initial", "no_data", "when_needed", "initial_only"], defaultValue: "initial", description: "initial: the rows already there first, then the changes." },
      { key: "tasks.max", label: "Max tasks", kind: "number", defaultValue: "1", required: true, description: "This connector always runs one task." },
      PLUGIN_VERSION,
    ],
    fixed: { "plugin.name": "pgoutput" },
  },
];

export const RAW_JSON_ID = "raw-json";

/** Default values of a template's fields. */
export function templateDefaults(t: ConnectorTemplate): Record<string, string> {
  return Object.fromEntries(t.fields.map((f) => [f.key, f.defaultValue ?? ""]));
}

/** The connector config the template's fields make: visible, non-empty fields only. */
export function templateConfig(t: ConnectorTemplate, values: Record<string, string>): Record<string, string> {
  const config: Record<string, string> = { "connector.class": t.connectorClass, ...t.fixed };
  for (const f of t.fields) {
    const value = (values[f.key] ?? "").trim();
    if (value !== "" && (f.visible?.(values) ?? true)) config[f.key] = value;
  }
  return config;
}
