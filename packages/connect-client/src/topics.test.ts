import { beforeEach, describe, expect, it, vi } from "vitest";
import { createTopicAdmin } from "./topics";

const admin = vi.hoisted(() => ({
  connect: vi.fn<() => Promise<void>>(),
  disconnect: vi.fn<() => Promise<void>>(),
  listTopics: vi.fn<() => Promise<string[]>>(),
  createTopics: vi.fn<(opts: unknown) => Promise<boolean>>(),
  deleteTopics: vi.fn<(opts: unknown) => Promise<void>>(),
}));
const kafkaConfigs = vi.hoisted(() => [] as unknown[]);

vi.mock("kafkajs", () => ({
  logLevel: { NOTHING: 0 },
  Kafka: class {
    constructor(config: unknown) {
      kafkaConfigs.push(config);
    }
    admin() {
      return admin;
    }
  },
}));

beforeEach(() => {
  kafkaConfigs.length = 0;
  for (const fn of Object.values(admin)) fn.mockReset();
  admin.connect.mockResolvedValue();
  admin.disconnect.mockResolvedValue();
  admin.listTopics.mockResolvedValue([]);
  admin.createTopics.mockResolvedValue(true);
  admin.deleteTopics.mockResolvedValue();
});

describe("createTopicAdmin", () => {
  it("configures kafkajs silent and does not connect until used", () => {
    createTopicAdmin({ brokers: ["127.0.0.1:19092"], connectionTimeoutMs: 1234 });

    expect(kafkaConfigs).toEqual([
      expect.objectContaining({ brokers: ["127.0.0.1:19092"], clientId: "switchboard", connectionTimeout: 1234, logLevel: 0 }),
    ]);
    expect(admin.connect).not.toHaveBeenCalled();
  });

  it("connects once and lists topics without internal ones", async () => {
    admin.listTopics.mockResolvedValue(["orders", "__consumer_offsets", "connect-configs", "__transaction_state"]);
    const topics = createTopicAdmin({ brokers: ["b:9092"] });

    expect(await topics.listTopics()).toEqual(["connect-configs", "orders"]);
    await topics.listTopics();

    expect(admin.connect).toHaveBeenCalledTimes(1);
  });

  it("creates topics with partitions, replication factor and config entries, waiting for leaders", async () => {
    const topics = createTopicAdmin({ brokers: ["b:9092"] });

    await topics.createTopics([
      { name: "orders", partitions: 3, replicationFactor: 1, config: { "cleanup.policy": "compact" } },
      { name: "audit", partitions: 1, replicationFactor: 1 },
    ]);

    expect(admin.createTopics).toHaveBeenCalledWith({
      waitForLeaders: true,
      topics: [
        { topic: "orders", numPartitions: 3, replicationFactor: 1, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
        { topic: "audit", numPartitions: 1, replicationFactor: 1, configEntries: [] },
      ],
    });
  });

  it("deletes only topics that exist", async () => {
    admin.listTopics.mockResolvedValue(["orders", "audit"]);
    const topics = createTopicAdmin({ brokers: ["b:9092"] });

    await topics.deleteTopics(["orders", "gone"]);

    expect(admin.deleteTopics).toHaveBeenCalledWith({ topics: ["orders"] });
  });

  it("does nothing for empty lists", async () => {
    const topics = createTopicAdmin({ brokers: ["b:9092"] });

    await topics.createTopics([]);
    await topics.deleteTopics([]);

    expect(admin.connect).not.toHaveBeenCalled();
  });

  it("names the brokers and the nested cause when it cannot connect, and tries again on the next call", async () => {
    const cause = new Error("Connection error: connect ECONNREFUSED 127.0.0.1:19092");
    admin.connect.mockRejectedValueOnce(new Error("Number of retries exceeded", { cause }));
    const topics = createTopicAdmin({ brokers: ["127.0.0.1:19092"] });

    await expect(topics.listTopics()).rejects.toThrow(
      "Could not connect to Kafka brokers 127.0.0.1:19092: Number of retries exceeded: Connection error: connect ECONNREFUSED 127.0.0.1:19092",
    );
    await expect(topics.listTopics()).resolves.toEqual([]);
    expect(admin.connect).toHaveBeenCalledTimes(2);
  });

  it("names the topics when creating fails", async () => {
    admin.createTopics.mockRejectedValue(new Error("Replication-factor is invalid"));
    const topics = createTopicAdmin({ brokers: ["b:9092"] });

    await expect(topics.createTopics([{ name: "orders", partitions: 1, replicationFactor: 3 }])).rejects.toThrow(
      "Could not create topics orders on b:9092: Replication-factor is invalid",
    );
  });

  it("disconnects on close only when it connected", async () => {
    const unused = createTopicAdmin({ brokers: ["b:9092"] });
    await unused.close();
    expect(admin.disconnect).not.toHaveBeenCalled();

    const used = createTopicAdmin({ brokers: ["b:9092"] });
    await used.listTopics();
    await used.close();
    expect(admin.disconnect).toHaveBeenCalledTimes(1);
  });
});
