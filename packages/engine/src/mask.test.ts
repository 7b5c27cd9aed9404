import { describe, expect, it } from "vitest";
import { isConfigProviderReference, isSecretKey, MASK, maskConfig } from "./mask";

describe("isSecretKey", () => {
  it.each([
    "connection.password",
    "database.passwd",
    "db.pwd",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.truststore.password",
    "ssl.keystore.key",
    "client.secret",
    "aws.secret.access.key",
    "auth.token",
    "gcp.credentials.json",
    "azure.credential",
    "api.key",
    "apikey",
    "datadog.api_key",
    "private.key",
    "sasl.jaas.config",
    "producer.override.sasl.jaas.config",
    "basic.auth.user.info",
    "value.converter.schema.registry.basic.auth.user.info",
    "Connection.PASSWORD",
  ])("treats %s as secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    "connector.class",
    "key.converter",
    "topics",
    "batch.size",
    "connection.user",
    "aws.access.key.id",
    "tasks.max",
    "aws.credentials.provider.class",
  ])("treats %s as not secret", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });

  it("treats keys Connect types as PASSWORD as secret, case-insensitively", () => {
    expect(isSecretKey("irc.nick.auth", ["irc.nick.auth"])).toBe(true);
    expect(isSecretKey("IRC.Nick.Auth", ["irc.nick.auth"])).toBe(true);
    expect(isSecretKey("irc.nick", ["irc.nick.auth"])).toBe(false);
  });
});

describe("isConfigProviderReference", () => {
  it.each(["${file:/etc/secrets.properties:db.password}", "${env:DB_PASSWORD}", "${vault:secret/data/db:password}", " ${env:X} "])(
    "recognises %s",
    (value) => {
      expect(isConfigProviderReference(value)).toBe(true);
    },
  );

  it.each(["hunter2", "${notareference}", "prefix ${env:X}", "${env:X} and more", "$env:X"])("rejects %s", (value) => {
    expect(isConfigProviderReference(value)).toBe(false);
  });
});

describe("maskConfig", () => {
  it("masks secret values and keeps provider references and other keys", () => {
    const config = {
      "connector.class": "io.example.Jdbc",
      "connection.password": "hunter2",
      "ssl.key.password": "${file:/etc/kafka/secrets:key}",
      "irc.nick.auth": "s3cret",
    };
    expect(maskConfig(config, ["irc.nick.auth"])).toEqual({
      "connector.class": "io.example.Jdbc",
      "connection.password": MASK,
      "ssl.key.password": "${file:/etc/kafka/secrets:key}",
      "irc.nick.auth": MASK,
    });
  });

  it("does not mutate its input", () => {
    const config = { "connection.password": "hunter2" };
    maskConfig(config);
    expect(config).toEqual({ "connection.password": "hunter2" });
  });
});
