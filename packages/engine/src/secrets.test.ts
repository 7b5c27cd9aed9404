import { describe, expect, it } from "vitest";
import {
  displayValue,
  hasCredentials,
  isConfigProviderReference,
  isSecretKey,
  MASK,
  maskConfig,
  maskDocument,
  redactCredentials,
  redactDeep,
  redactText,
  restoreCredentials,
  secretKeysOf,
  splitSecrets,
} from "./secrets";

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
    "azure.blob.account.key",
    "storage.account.key",
    "http.headers.authorization",
    "sas.key",
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
    "connection.url",
    "topics.regex",
    "transforms",
    "transforms.route.type",
    "value.converter",
    "database.hostname",
    "table.whitelist",
    "collection",
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

describe("routing keys", () => {
  it("are never secret, even when a plugin types them as PASSWORD or a client says so", () => {
    for (const key of ["topics", "connector.class", "tasks.max", "topics.regex", "transforms", "key.converter", "connection.url", "database.hostname", "table.include.list"]) {
      expect(isSecretKey(key, [key])).toBe(false);
    }
  });
});

describe("credentials inside values", () => {
  it.each([
    ["jdbc:postgresql://app:hunter2@db:5432/payments", "jdbc:postgresql://app:(sensitive)@db:5432/payments"],
    ["mongodb://root:p%40ss/w0rd@mongo-1,mongo-2/db?authSource=admin", "mongodb://root:(sensitive)@mongo-1,mongo-2/db?authSource=admin"],
    ["jdbc:mysql://db/x?user=app&password=hunter2&ssl=true", "jdbc:mysql://db/x?user=app&password=(sensitive)&ssl=true"],
    ["jdbc:sqlserver://db;user=app;password=hunter2;encrypt=true", "jdbc:sqlserver://db;user=app;password=(sensitive);encrypt=true"],
    ["DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc123==;EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=(sensitive);EndpointSuffix=core.windows.net"],
    ["Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k3y=", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=(sensitive)"],
    ["Authorization: Bearer eyJhbGciOi.abc|Content-Type: application/json", "Authorization: Bearer (sensitive)|Content-Type: application/json"],
    ["authorization=Basic dXNlcjpwYXNz", "authorization=Basic (sensitive)"],
    ["X-Api-Key: 0123456789", "X-Api-Key: (sensitive)"],
    ['{"type":"service_account","private_key":"-----BEGIN KEY-----abc"}', '{"type":"service_account","private_key":"(sensitive)"}'],
    ['org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ss";', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="(sensitive)";'],
  ])("redacts %s", (value, redacted) => {
    expect(hasCredentials(value)).toBe(true);
    expect(redactCredentials(value)).toBe(redacted);
  });

  it.each(["jdbc:postgresql://db:5432/payments", "http://schema-registry:8081", "payments.orders", "jdbc:postgresql://app:${file:/etc/db.properties:pw}@db/x", "https://user@host/x"])(
    "leaves %s alone",
    (value) => {
      expect(hasCredentials(value)).toBe(false);
      expect(redactCredentials(value)).toBe(value);
    },
  );

  it("puts the credential back where a form kept the redacted placeholder", () => {
    const stored = "jdbc:postgresql://app:hunter2@db1:5432/x?password=other";
    expect(restoreCredentials("jdbc:postgresql://app:(sensitive)@db2:5432/x?password=(sensitive)", stored)).toBe("jdbc:postgresql://app:hunter2@db2:5432/x?password=other");
    expect(restoreCredentials("jdbc:postgresql://db2/x", stored)).toBe("jdbc:postgresql://db2/x");
    expect(restoreCredentials("jdbc:postgresql://app:(sensitive)@db2/x", "jdbc:postgresql://db1/x")).toBeNull();
  });
});

describe("splitSecrets", () => {
  it("keeps secret keys out of the config, and credential-bearing values in it only redacted", () => {
    const config = {
      "connector.class": "io.example.Jdbc",
      "connection.url": "jdbc:postgresql://app:hunter2@db/x",
      "connection.password": "hunter2",
      "ssl.key.password": "${file:/etc/kafka/secrets:key}",
      topics: "orders",
    };
    const split = splitSecrets(config);
    expect(split.config).toEqual({
      "connector.class": "io.example.Jdbc",
      "connection.url": "jdbc:postgresql://app:(sensitive)@db/x",
      "ssl.key.password": "${file:/etc/kafka/secrets:key}",
      topics: "orders",
    });
    expect(split.secrets).toEqual({ "connection.url": "jdbc:postgresql://app:hunter2@db/x", "connection.password": "hunter2" });
    expect({ ...split.config, ...split.secrets }).toEqual(config);
    expect(secretKeysOf(config)).toEqual(["connection.password", "connection.url"]);
    expect(JSON.stringify(split.config)).not.toContain("hunter2");
  });

  it("takes PASSWORD-typed and stored secret keys, but never routing keys", () => {
    const split = splitSecrets({ "irc.nick.auth": "s3cret", topics: "orders", "connector.class": "X" }, ["irc.nick.auth", "topics", "connector.class"]);
    expect(split.secrets).toEqual({ "irc.nick.auth": "s3cret" });
    expect(split.config).toEqual({ topics: "orders", "connector.class": "X" });
  });
});

describe("displayValue", () => {
  it("masks secrets and redacts credentials in other values", () => {
    expect(displayValue("connection.password", "hunter2")).toBe(MASK);
    expect(displayValue("connection.url", "jdbc:postgresql://a:hunter2@db/x")).toBe("jdbc:postgresql://a:(sensitive)@db/x");
    expect(displayValue("connection.password", "${env:DB_PW}")).toBe("${env:DB_PW}");
  });
});

describe("redactText", () => {
  it("hides known secret values and credentials in traces", () => {
    const trace = "org.postgresql.util.PSQLException: FATAL: password authentication failed for user app (password hunter2-long) at jdbc:postgresql://app:hunter2-long@db/x";
    const out = redactText(trace, ["hunter2-long", "abc"]);
    expect(out).not.toContain("hunter2-long");
    expect(out).toContain("jdbc:postgresql://app:(sensitive)@db/x");
  });

  it("walks documents", () => {
    expect(redactDeep({ a: ["x hunter2 y"], b: { c: "Authorization: Bearer zzz" }, d: 3 }, ["hunter2"])).toEqual({ a: ["x (sensitive) y"], b: { c: "Authorization: Bearer (sensitive)" }, d: 3 });
  });
});

describe("maskDocument", () => {
  it("masks secret-named fields, webhook targets and credentials in any string", () => {
    expect(
      maskDocument({
        config: { "connection.password": "hunter2", "connection.url": "jdbc:postgresql://a:hunter2@db/x" },
        authPasswordEnv: "SWITCHBOARD_CLUSTER_PW",
        contact: { kind: "webhook", target: "https://hooks.example.com/services/T0/B0/xyz" },
      }),
    ).toEqual({
      config: { "connection.password": MASK, "connection.url": "jdbc:postgresql://a:(sensitive)@db/x" },
      authPasswordEnv: "SWITCHBOARD_CLUSTER_PW",
      contact: { kind: "webhook", target: "https://hooks.example.com/…" },
    });
  });
});
