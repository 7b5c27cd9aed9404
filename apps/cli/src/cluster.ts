import { readFileSync } from "node:fs";
import { createConnectClient, parseWorkerUrls } from "@switchboard/connect-client/client";
import { createTopicAdmin, type TopicAdmin } from "@switchboard/connect-client/topics";
import { resolvePath, type CliConnect, type CliIo } from "./context";
import { CliError } from "./errors";

/** Connection options shared by every command that talks to a cluster. */
export type ClusterOptions = {
  connect?: string;
  bootstrap?: string;
  user?: string;
  password?: string;
  caFile?: string;
  timeout?: number;
};

export type Cluster = {
  urls: string[];
  connect: CliConnect;
  /** Present only with --bootstrap: without it topics are neither read nor created. */
  topics?: TopicAdmin;
  close(): Promise<void>;
};

/**
 * Builds the Connect client (and the topic admin when bootstrap servers are given) from options,
 * falling back to SWITCHBOARD_* environment variables. Bad input becomes a {@link CliError}.
 */
export function openCluster(opts: ClusterOptions, io: CliIo): Cluster {
  const csv = opts.connect ?? io.env.SWITCHBOARD_CONNECT;
  if (!csv) {
    throw new CliError(
      "no Kafka Connect workers given",
      "pass --connect http://host:8083[,http://host2:8083] or set SWITCHBOARD_CONNECT",
    );
  }
  let urls: string[];
  try {
    urls = parseWorkerUrls(csv);
  } catch (err) {
    throw new CliError(`--connect: ${lowerFirst((err as Error).message)}`, "expected comma-separated http(s) URLs, e.g. http://localhost:8083");
  }

  const username = opts.user ?? io.env.SWITCHBOARD_CONNECT_USER;
  const password = opts.password ?? io.env.SWITCHBOARD_CONNECT_PASSWORD;
  if ((username === undefined) !== (password === undefined)) {
    throw new CliError("--user and --password go together", "set both (or SWITCHBOARD_CONNECT_USER and SWITCHBOARD_CONNECT_PASSWORD)");
  }
  let ca: string | undefined;
  if (opts.caFile) {
    try {
      ca = readFileSync(resolvePath(io, opts.caFile), "utf8");
    } catch (err) {
      throw new CliError(`cannot read --ca-file ${opts.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  const create: (o: Parameters<typeof createConnectClient>[0]) => CliConnect = io.services?.createConnect ?? createConnectClient;
  const connect = create({
    urls,
    timeoutMs: opts.timeout ?? 30_000,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
    ...(ca !== undefined ? { tls: { ca } } : {}),
  });

  const brokersCsv = opts.bootstrap ?? io.env.SWITCHBOARD_BOOTSTRAP;
  const brokers = brokersCsv ? brokersCsv.split(",").map((s) => s.trim()).filter((s) => s !== "") : [];
  if (brokersCsv !== undefined && brokersCsv !== "" && brokers.length === 0) {
    throw new CliError("--bootstrap: no broker address given", "expected e.g. localhost:9092");
  }
  const topics = brokers.length > 0 ? (io.services?.createTopics ?? createTopicAdmin)({ brokers }) : undefined;

  return {
    urls,
    connect,
    ...(topics ? { topics } : {}),
    async close() {
      await Promise.allSettled([connect.close(), topics?.close()]);
    },
  };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Runs `fn` with an open cluster and always closes its connections afterwards. */
export async function withCluster<T>(opts: ClusterOptions, io: CliIo, fn: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = openCluster(opts, io);
  try {
    return await fn(cluster);
  } finally {
    await cluster.close();
  }
}
