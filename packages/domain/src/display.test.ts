import { describe, expect, it } from "vitest";
import { maskDocument, maskWebhookUrl } from "@switchboard/engine/secrets";
import { displayConfig, firstLine } from "./display";

describe("maskDocument", () => {
  it("masks strings under secret-looking keys at any depth but keeps env var names and provider references", () => {
    const doc = {
      config: { "database.password": "hunter2", "connection.user": "app", "sasl.jaas.config": "${file:/etc/jaas:config}" },
      items: [{ "api.key": "k-123" }],
      authPasswordEnv: "CONNECT_PASSWORD",
      secretKeys: ["ssl.key.password"],
    };
    expect(maskDocument(doc)).toEqual({
      config: { "database.password": "(sensitive)", "connection.user": "app", "sasl.jaas.config": "${file:/etc/jaas:config}" },
      items: [{ "api.key": "(sensitive)" }],
      authPasswordEnv: "CONNECT_PASSWORD",
      secretKeys: ["ssl.key.password"],
    });
  });

  it("masks webhook contact targets", () => {
    expect(maskDocument({ kind: "webhook", target: "https://hooks.slack.com/services/T/B/tok" })).toEqual({ kind: "webhook", target: "https://hooks.slack.com/…" });
    expect(maskDocument({ kind: "email", target: "a@example.com" })).toEqual({ kind: "email", target: "a@example.com" });
  });
});

describe("maskWebhookUrl", () => {
  it("keeps the origin only", () => {
    expect(maskWebhookUrl("http://127.0.0.1:9999/hook?token=abc")).toBe("http://127.0.0.1:9999/…");
    expect(maskWebhookUrl("https://example.com/")).toBe("https://example.com");
    expect(maskWebhookUrl("not a url")).toBe("(sensitive)");
  });
});

describe("displayConfig", () => {
  it("shows stored secret keys as masked and sorts keys", () => {
    expect(displayConfig({ topics: "t", "connector.class": "C" }, ["db.password"])).toEqual({ "connector.class": "C", "db.password": "(sensitive)", topics: "t" });
  });

  it("shows a credential-bearing key in its redacted form, and redacts rows stored before that existed", () => {
    expect(displayConfig({ "connection.url": "jdbc:postgresql://a:(sensitive)@db/x" }, ["connection.url"])).toEqual({ "connection.url": "jdbc:postgresql://a:(sensitive)@db/x" });
    expect(displayConfig({ "connection.url": "jdbc:postgresql://a:hunter2@db/x" }, [])).toEqual({ "connection.url": "jdbc:postgresql://a:(sensitive)@db/x" });
  });
});

describe("firstLine", () => {
  it("returns the first non-empty line of a trace", () => {
    expect(firstLine("\norg.Foo: boom\n\tat x")).toBe("org.Foo: boom");
    expect(firstLine(null)).toBeNull();
  });
});
