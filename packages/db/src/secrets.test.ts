import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decrypt, decryptSecrets, deriveKey, encrypt, encryptSecrets } from "./secrets";
import { createConnector, getConnector, getConnectorSecrets, listConnectorRevisions, listConnectorsWithSecrets, queryBoard } from "./repos/connectors";
import { listAuditEvents } from "./repos/audit";
import { createCluster } from "./repos/clusters";
import { createTeam } from "./repos/teams";
import { createTestDb, type TestDb } from "./testing";

describe("secrets", () => {
  const key = randomBytes(32);

  it("round-trips a value and uses a fresh IV each time", () => {
    const a = encrypt("hunter2", key);
    const b = encrypt("hunter2", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(decrypt(a, key)).toBe("hunter2");
  });

  it("fails with another key or a tampered envelope", () => {
    const env = encrypt("hunter2", key);
    expect(() => decrypt(env, randomBytes(32))).toThrow();
    const parts = env.split(":");
    const data = Buffer.from(parts[3]!, "base64");
    data[0] = data[0]! ^ 1;
    expect(() => decrypt([parts[0], parts[1], parts[2], data.toString("base64")].join(":"), key)).toThrow();
  });

  it("round-trips a map and stores nothing for an empty one", () => {
    expect(encryptSecrets({}, key)).toBeNull();
    expect(decryptSecrets(null, key)).toEqual({});
    expect(decryptSecrets(encryptSecrets({ "db.password": "p", "api.token": "t" }, key), key)).toEqual({ "db.password": "p", "api.token": "t" });
  });

  it("accepts hex, base64 or a passphrase as key material", () => {
    const raw = randomBytes(32);
    expect(deriveKey(raw.toString("hex")).equals(raw)).toBe(true);
    expect(deriveKey(raw.toString("base64")).equals(raw)).toBe(true);
    expect(deriveKey("a long enough passphrase")).toHaveLength(32);
  });
});

describe("connector secrets in the database", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.cleanup());

  it("never returns secret values from public reads, only from the deploy accessors", async () => {
    const team = await createTeam(t.db, null, { name: "payments" });
    const cluster = await createCluster(t.db, null, { name: "c", environment: "dev", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 0 });
    const secret = "s3cr3t-value-never-shown";
    const c = await createConnector(t.db, null, {
      name: "jdbc",
      clusterId: cluster.id,
      teamId: team.id,
      desiredState: "RUNNING",
      config: { "connector.class": "x.Jdbc", "connection.user": "app" },
      secrets: { "connection.password": secret },
    });

    const stored = await t.db.connector.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored.secretConfigEnc).not.toContain(secret);

    const publicReads = [c, await getConnector(t.db, c.id), await queryBoard(t.db, {}), await listConnectorRevisions(t.db, c.id), await listAuditEvents(t.db)];
    for (const r of publicReads) {
      const json = JSON.stringify(r);
      expect(json).not.toContain(secret);
      expect(json).not.toContain("secretConfigEnc");
    }
    expect(c.secretKeys).toEqual(["connection.password"]);
    expect(await getConnectorSecrets(t.db, c.id)).toEqual({ "connection.password": secret });
    expect((await listConnectorsWithSecrets(t.db, cluster.id))[0]?.secrets).toEqual({ "connection.password": secret });
  });
});
