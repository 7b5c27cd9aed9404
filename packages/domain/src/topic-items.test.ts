import { describe, expect, it } from "vitest";
import type { Cluster } from "@switchboard/db/repos/clusters";
import { previewTopics, topicItemStates, type TopicFactory } from "./topic-items";

const cluster = { id: "k", name: "prod", bootstrapServers: "127.0.0.1:9" } as Cluster;
const items = [
  { action: "create_topic" as const, payload: { name: "orders", partitions: 3, replicationFactor: 1 } },
  { action: "delete_topic" as const, payload: { name: "gone" } },
  { action: "pause" as const, payload: null },
];

function fakeTopics(live: string[], calls: string[]): TopicFactory {
  return () => ({
    listTopics: async () => (calls.push("list"), [...live]),
    createTopics: async () => void calls.push("create"),
    deleteTopics: async () => void calls.push("delete"),
    close: async () => void calls.push("close"),
  });
}

describe("topicItemStates", () => {
  it("says what the deploy does with each topic item's topic, given the live topics", () => {
    expect(topicItemStates(items, ["orders"]).map((t) => t.note)).toEqual(["exists: left alone", "absent: nothing to delete"]);
    expect(topicItemStates(items, ["gone"]).map((t) => t.note)).toEqual(["absent: will be created", "exists: will be deleted"]);
  });
});

describe("previewTopics", () => {
  it("reads the topics once, closes the admin, and hands the plan a read-only port over that list", async () => {
    const calls: string[] = [];
    const result = await previewTopics(cluster, items, fakeTopics(["orders"], calls));
    expect(result.preview).toEqual({ checked: true, items: topicItemStates(items, ["orders"]) });
    expect(await result.port?.listTopics()).toEqual(["orders"]);
    await expect(result.port?.createTopics([{ name: "x", partitions: 1, replicationFactor: 1 }])).rejects.toThrow(/never changes topics/);
    expect(calls).toEqual(["list", "close"]);
  });

  it("says why the topics were not checked when Kafka fails, hangs, or there is no admin, instead of failing", async () => {
    const failing: TopicFactory = () => ({ listTopics: () => Promise.reject(new Error("broker down")), createTopics: async () => {}, deleteTopics: async () => {} });
    expect(await previewTopics(cluster, items, failing)).toEqual({ preview: { checked: false, reason: "broker down" } });
    const hanging: TopicFactory = () => ({ listTopics: () => new Promise<string[]>(() => {}), createTopics: async () => {}, deleteTopics: async () => {} });
    expect(await previewTopics(cluster, items, hanging, 5)).toEqual({ preview: { checked: false, reason: "Kafka did not answer within 5 ms" } });
    expect((await previewTopics({ ...cluster, bootstrapServers: null }, items, () => undefined)).preview).toMatchObject({ checked: false, reason: expect.stringMatching(/no Kafka bootstrap servers/) });
    const throwing: TopicFactory = () => {
      throw new Error("SWITCHBOARD_CLUSTER_X is not set");
    };
    expect((await previewTopics(cluster, items, throwing)).preview).toEqual({ checked: false, reason: "SWITCHBOARD_CLUSTER_X is not set" });
  });
});
