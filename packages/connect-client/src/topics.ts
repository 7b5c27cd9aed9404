import { Kafka, logLevel } from "kafkajs";
import type { Admin } from "kafkajs";
import type { TopicSpec } from "@switchboard/engine/model";
import type { TopicPort } from "@switchboard/engine/port";

export type TopicAdminOptions = {
  brokers: string[];
  clientId?: string;
  /** Per-broker connection timeout. Default 5000. */
  connectionTimeoutMs?: number;
  /** kafkajs retries for retriable failures (e.g. a broker that is down). Default 3. */
  retries?: number;
};

export type TopicAdmin = TopicPort & { close(): Promise<void> };

/**
 * Kafka topic administration through a kafkajs admin client. Connects on first use (so building it
 * for a command that never touches topics costs nothing), keeps kafkajs silent so CLI output stays
 * clean, and rethrows failures as Errors that name the brokers and the topics concerned.
 */
export function createTopicAdmin(opts: TopicAdminOptions): TopicAdmin {
  if (opts.brokers.length === 0) throw new Error("createTopicAdmin needs at least one broker address");
  const brokers = opts.brokers.join(",");
  const kafka = new Kafka({
    brokers: opts.brokers,
    clientId: opts.clientId ?? "switchboard",
    connectionTimeout: opts.connectionTimeoutMs ?? 5000,
    retry: { retries: opts.retries ?? 3 },
    logLevel: logLevel.NOTHING,
  });
  let connecting: Promise<Admin> | undefined;

  function connected(): Promise<Admin> {
    connecting ??= (async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        return admin;
      } catch (err) {
        // Forget the failed attempt so a later call can try again.
        connecting = undefined;
        throw failure(`Could not connect to Kafka brokers ${brokers}`, err);
      }
    })();
    return connecting;
  }

  async function listTopics(): Promise<string[]> {
    const admin = await connected();
    try {
      const names = await admin.listTopics();
      return names.filter((n) => !n.startsWith("__")).sort();
    } catch (err) {
      throw failure(`Could not list topics on ${brokers}`, err);
    }
  }

  return {
    listTopics,

    async createTopics(topics: TopicSpec[]) {
      if (topics.length === 0) return;
      const admin = await connected();
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: topics.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (err) {
        throw failure(`Could not create topics ${topics.map((t) => t.name).join(", ")} on ${brokers}`, err);
      }
    },

    async deleteTopics(names: string[]) {
      if (names.length === 0) return;
      // kafkajs retries an unknown topic until it gives up; deleting only existing ones keeps this idempotent.
      const existing = new Set(await listTopics());
      const toDelete = names.filter((n) => existing.has(n));
      if (toDelete.length === 0) return;
      const admin = await connected();
      try {
        await admin.deleteTopics({ topics: toDelete });
      } catch (err) {
        throw failure(`Could not delete topics ${toDelete.join(", ")} on ${brokers}`, err);
      }
    },

    async close() {
      const pending = connecting;
      connecting = undefined;
      if (!pending) return;
      const admin = await pending.catch(() => undefined);
      await admin?.disconnect();
    },
  };
}

function failure(what: string, err: unknown): Error {
  return new Error(`${what}: ${describe(err)}`, { cause: err });
}

/** kafkajs nests the useful reason (e.g. ECONNREFUSED, TOPIC_AUTHORIZATION_FAILED) in causes and aggregates. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  const nested = (err as { errors?: unknown }).errors;
  if (Array.isArray(nested)) parts.push(...nested.map(describe));
  const cause = err.cause ?? (err as { originalError?: unknown }).originalError;
  if (cause instanceof Error && !parts.includes(cause.message)) parts.push(describe(cause));
  return [...new Set(parts.filter((p) => p !== ""))].join(": ");
}
