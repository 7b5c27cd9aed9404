import { describe, expect, it } from "vitest";
import { newItemDraft, picksConnector, toItemRequest } from "./change-item-drafts";

const redactedUrl = "jdbc:postgresql://app:(sensitive)@db/x";

describe("toItemRequest", () => {
  it("sends a create with its trimmed name, team, config and state, and no secret key names", () => {
    const draft = newItemDraft({ action: "create", name: "  orders-sink ", teamId: "t1", config: { "connector.class": "X", "db.password": "pw" }, secretKeys: ["db.password"] });
    const request = toItemRequest(draft);
    expect(request).toEqual({ action: "create", name: "orders-sink", teamId: "t1", config: { "connector.class": "X", "db.password": "pw" }, desiredState: "RUNNING" });
    expect(JSON.stringify(request)).not.toContain("secretKeys");
  });

  it("sends an update's config as edited: stored secrets and redacted credentials as the placeholders the API sent", () => {
    const config = { "connector.class": "X", "db.password": "(sensitive)", "connection.url": redactedUrl, "tasks.max": "2" };
    const draft = newItemDraft({ action: "update", connectorId: "c1", connectorName: "orders", name: "orders", config, desiredState: "PAUSED", secretKeys: ["db.password", "connection.url"] });
    expect(toItemRequest(draft)).toEqual({ action: "update", connectorId: "c1", config, desiredState: "PAUSED" });
  });

  it("names an update only when it renames the connector", () => {
    const base = { action: "update" as const, connectorId: "c1", connectorName: "orders", config: { "connector.class": "X" } };
    expect(toItemRequest(newItemDraft({ ...base, name: "orders" }))).not.toHaveProperty("name");
    expect(toItemRequest(newItemDraft({ ...base, name: "  " }))).not.toHaveProperty("name");
    expect(toItemRequest(newItemDraft({ ...base, name: " orders-v2 " }))).toMatchObject({ name: "orders-v2" });
  });

  it("sends only the connector for lifecycle actions, and onlyFailed for a restart", () => {
    for (const action of ["delete", "pause", "resume", "stop"] as const) {
      expect(toItemRequest(newItemDraft({ action, connectorId: "c1", name: "x", config: { a: "b" } }))).toEqual({ action, connectorId: "c1" });
    }
    expect(toItemRequest(newItemDraft({ action: "restart", connectorId: "c1", onlyFailed: true }))).toEqual({ action: "restart", connectorId: "c1", onlyFailed: true });
  });

  it("sends a topic creation with numbers, the trimmed name and only the configs filled in", () => {
    const draft = newItemDraft({ action: "create_topic", teamId: "t1", topicName: " payments.refunds ", partitions: "6", replicationFactor: "1", topicConfig: { "cleanup.policy": "compact", "retention.ms": " " } });
    expect(toItemRequest(draft)).toEqual({ action: "create_topic", teamId: "t1", name: "payments.refunds", partitions: 6, replicationFactor: 1, config: { "cleanup.policy": "compact" } });
    expect(toItemRequest(newItemDraft({ action: "create_topic", teamId: "t1", topicName: "x" }))).not.toHaveProperty("config");
  });

  it("sends a topic deletion with its team and name only, and asks no connector for topic items", () => {
    expect(toItemRequest(newItemDraft({ action: "delete_topic", teamId: "t1", topicName: "old", connectorId: "c1", config: { a: "b" } }))).toEqual({ action: "delete_topic", teamId: "t1", name: "old" });
    expect(["create", "create_topic", "delete_topic"].map((a) => picksConnector(a as never))).toEqual([false, false, false]);
    expect(picksConnector("pause")).toBe(true);
  });

  it("gives each new draft its own uid", () => {
    expect(newItemDraft().uid).not.toBe(newItemDraft().uid);
  });
});
