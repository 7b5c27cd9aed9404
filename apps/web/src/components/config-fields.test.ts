import { describe, expect, it } from "vitest";
import { configToRows, fieldKind, hasRedactedCredentials, keepsStoredSecret, MASK, parseConfigJson, redactedHelp, rowsToConfig, typedSecretValue, type ConfigRow } from "./config-fields";

const row = (key: string, value: string, stored: string | null = value): ConfigRow => ({ id: 1, key, value, stored });

describe("parseConfigJson", () => {
  it("turns numbers and booleans into strings", () => {
    expect(parseConfigJson('{"tasks.max": 2, "errors.log.enable": true, "topics": "a"}')).toEqual({ ok: true, config: { "tasks.max": "2", "errors.log.enable": "true", topics: "a" } });
  });

  it("refuses what is not an object of scalars, saying which key", () => {
    expect(parseConfigJson("[1]")).toEqual({ ok: false, error: "The config must be a JSON object of keys and values." });
    expect(parseConfigJson('{"transforms": {"a": 1}}')).toEqual({ ok: false, error: '"transforms" must be a string, number or boolean.' });
    expect(parseConfigJson("{").ok).toBe(false);
  });
});

describe("rows and config", () => {
  it("round-trips a config, placeholders included, in order", () => {
    let id = 0;
    const config = { "connector.class": "X", "db.password": MASK, "connection.url": `jdbc:postgresql://app:${MASK}@db/x` };
    const rows = configToRows(config, () => ++id);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(rows.every((r) => r.stored === r.value)).toBe(true);
    expect(rowsToConfig(rows)).toEqual(config);
    expect(Object.keys(rowsToConfig(rows))).toEqual(Object.keys(config));
  });

  it("trims keys and leaves out rows without a key", () => {
    expect(rowsToConfig([row(" topics ", "a"), row("  ", "orphan"), row("", "x")])).toEqual({ topics: "a" });
  });
});

describe("fieldKind", () => {
  it("draws password fields by the engine's secret key patterns, not a home-made list", () => {
    expect(fieldKind(row("database.password", ""), [])).toBe("secret");
    expect(fieldKind(row("producer.override.sasl.jaas.config", ""), [])).toBe("secret");
    expect(fieldKind(row("schema.registry.basic.auth.user.info", ""), [])).toBe("secret");
    expect(fieldKind(row("azure.account.key", ""), [])).toBe("secret");
    // Patterns the old web regex missed.
    expect(fieldKind(row("http.authorization", ""), [])).toBe("secret");
    expect(fieldKind(row("ssl.keystore.key", ""), [])).toBe("secret");
    expect(fieldKind(row("topics", "orders"), [])).toBe("plain");
  });

  it("adds the keys the cluster validator types as PASSWORD and the keys stored as secret", () => {
    expect(fieldKind(row("vault.pin", ""), [])).toBe("plain");
    expect(fieldKind(row("vault.pin", ""), ["vault.pin"])).toBe("secret");
    expect(fieldKind(row("Vault.PIN", ""), ["vault.pin"])).toBe("secret");
  });

  it("never hides a routing key, whatever a plugin types it as", () => {
    expect(fieldKind(row("connector.class", "x.TokenSinkConnector"), ["connector.class"])).toBe("plain");
    expect(fieldKind(row("topics", "secret-topic"), ["topics"])).toBe("plain");
    expect(fieldKind(row("connection.url", "jdbc:postgresql://db/x"), ["connection.url"])).toBe("plain");
    expect(fieldKind(row("token.converter.class", "x"), [])).toBe("plain");
  });

  it("shows a value whose credentials the API hid as text, and keeps it text while it is edited", () => {
    const redacted = `mongodb://app:${MASK}@db:27017`;
    expect(fieldKind(row("mongo.connection.string", redacted), ["mongo.connection.string"])).toBe("redacted");
    expect(fieldKind(row("mongo.connection.string", "mongodb://app:new@db:27017", redacted), ["mongo.connection.string"])).toBe("redacted");
    expect(fieldKind(row("db.password", MASK), [])).toBe("secret");
  });
});

describe("stored secrets and redacted values", () => {
  it("tells a redacted value from a whole placeholder", () => {
    expect(hasRedactedCredentials(`jdbc:postgresql://app:${MASK}@db/x`)).toBe(true);
    expect(hasRedactedCredentials(MASK)).toBe(false);
    expect(hasRedactedCredentials("jdbc:postgresql://db/x")).toBe(false);
  });

  it("keeps a stored secret until something is typed, and again when the field is cleared", () => {
    expect(keepsStoredSecret(row("db.password", MASK))).toBe(true);
    expect(keepsStoredSecret(row("db.password", "typed", MASK))).toBe(false);
    // A user who types the placeholder into a new field does not thereby claim a stored secret.
    expect(keepsStoredSecret(row("db.password", MASK, null))).toBe(false);
    expect(typedSecretValue({ stored: MASK }, "")).toBe(MASK);
    expect(typedSecretValue({ stored: MASK }, "n3w")).toBe("n3w");
    expect(typedSecretValue({ stored: null }, "")).toBe("");
  });

  it("says whether the stored credential of a redacted value is kept", () => {
    const redacted = `jdbc:postgresql://app:${MASK}@db/x`;
    expect(redactedHelp(row("connection.url", redacted))).toBe(`The stored credential, shown as ${MASK}, is kept. Replace ${MASK} to change it.`);
    expect(redactedHelp(row("connection.url", `jdbc:postgresql://app:${MASK}@db2/x`, redacted))).toBe(`The stored credential is kept where ${MASK} stands.`);
    expect(redactedHelp(row("connection.url", "jdbc:postgresql://app:pw@db/x", redacted))).toBe("The credential in this value replaces the stored one.");
  });
});
