import { afterAll, describe, expect, it } from "vitest";
import { queryBoard } from "./repos/connectors";
import { listClusters } from "./repos/clusters";
import { getSessionUser, listUsers, verifyPassword } from "./repos/users";
import { DEMO_PASSWORD, isDemoMode, seedDemoData } from "./seed";
import { createTestDb } from "./testing";

const t = await createTestDb();
afterAll(() => t.cleanup());

describe("seedDemoData", () => {
  it("refuses to seed outside demo mode, and writes nothing", async () => {
    const other = await createTestDb();
    try {
      const opts = { connectUrls: ["http://127.0.0.1:18083"], bootstrapServers: "127.0.0.1:19092" };
      await expect(seedDemoData(other.db, { ...opts, demo: false })).rejects.toThrow(/demo mode.*SWITCHBOARD_DEMO=1/);
      expect(await listUsers(other.db)).toEqual([]);
      expect(await listClusters(other.db)).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });

  it("is in demo mode only when SWITCHBOARD_DEMO says so", () => {
    expect(isDemoMode({})).toBe(false);
    expect(isDemoMode({ SWITCHBOARD_DEMO: "0" })).toBe(false);
    expect(isDemoMode({ SWITCHBOARD_DEMO: "1" })).toBe(true);
    expect(isDemoMode({ SWITCHBOARD_DEMO: "true" })).toBe(true);
    expect(() => isDemoMode({ SWITCHBOARD_DEMO: "yes please" })).toThrow();
  });

  it("creates the demo users, one local cluster and connectors, and changes nothing when run again", async () => {
    const opts = { connectUrls: ["http://127.0.0.1:18083"], bootstrapServers: "127.0.0.1:19092", demo: true };
    await seedDemoData(t.db, opts);
    await seedDemoData(t.db, opts);
    expect((await listUsers(t.db)).map((u) => u.email)).toContain("approver2@example.com");
    expect(await listClusters(t.db)).toMatchObject([{ name: "local", approvalsRequired: 1, connectUrls: opts.connectUrls }]);
    expect((await queryBoard(t.db, {})).total).toBe(4);
  });

  it("lets demo users sign in with the demo password and knows their teams", async () => {
    const owner = await verifyPassword(t.db, "Owner@Example.com", DEMO_PASSWORD);
    expect(owner).toMatchObject({ role: "owner" });
    expect(JSON.stringify(owner)).not.toContain("passwordHash");
    expect((await getSessionUser(t.db, owner!.id))?.teamIds).toHaveLength(1);
    expect(await verifyPassword(t.db, "owner@example.com", "wrong")).toBeNull();
  });
});
