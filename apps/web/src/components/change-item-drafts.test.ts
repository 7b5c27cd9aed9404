import { describe, expect, it } from "vitest";
import { newItemDraft, toItemRequest } from "./change-item-drafts";

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

  it("gives each new draft its own uid", () => {
    expect(newItemDraft().uid).not.toBe(newItemDraft().uid);
  });
});
