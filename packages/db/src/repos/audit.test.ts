import { afterAll, describe, expect, it } from "vitest";
import { createTestDb } from "../testing";
import { listAuditEvents, withAudit } from "./audit";
import { createCluster } from "./clusters";
import { createConnector } from "./connectors";
import { createTeam } from "./teams";

const t = await createTestDb();
afterAll(() => t.cleanup());

describe("withAudit", () => {
  it("writes the change and its audit event together", async () => {
    const team = await createTeam(t.db, null, { name: "alpha" });
    const { items } = await listAuditEvents(t.db, { entityType: "team", entityId: team.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: "team.create", actorId: null, before: null, after: { name: "alpha" } });
  });

  it("leaves neither the change nor the event when the mutation fails after writing", async () => {
    const events = await t.db.auditEvent.count();
    await expect(
      withAudit(
        t.db,
        async (tx) => {
          await tx.team.create({ data: { name: "ghost" } });
          throw new Error("boom");
        },
        () => ({ actorId: null, action: "team.create", entityType: "team", entityId: "x" }),
      ),
    ).rejects.toThrow("boom");
    expect(await t.db.team.findUnique({ where: { name: "ghost" } })).toBeNull();
    expect(await t.db.auditEvent.count()).toBe(events);
  });

  it("leaves neither when writing the event fails", async () => {
    const events = await t.db.auditEvent.count();
    await expect(
      withAudit(
        t.db,
        (tx) => tx.team.create({ data: { name: "ghost2" } }),
        // An actor that does not exist violates the foreign key: the event cannot be written.
        (team) => ({ actorId: "no-such-user", action: "team.create", entityType: "team", entityId: team.id }),
      ),
    ).rejects.toThrow();
    expect(await t.db.team.findUnique({ where: { name: "ghost2" } })).toBeNull();
    expect(await t.db.auditEvent.count()).toBe(events);
  });

  it("joins the caller's transaction so several mutations commit or roll back as one", async () => {
    const events = await t.db.auditEvent.count();
    await expect(
      t.db.$transaction(async (tx) => {
        await createTeam(tx, null, { name: "beta" });
        await createTeam(tx, null, { name: "beta" });
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.db.team.findUnique({ where: { name: "beta" } })).toBeNull();
    expect(await t.db.auditEvent.count()).toBe(events);
  });

  it("records no event for a connector rejected for a duplicate name", async () => {
    const team = await createTeam(t.db, null, { name: "gamma" });
    const cluster = await createCluster(t.db, null, { name: "c1", environment: "dev", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 0 });
    const input = { name: "dup", clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING" as const, config: { "connector.class": "X" }, secrets: {} };
    await createConnector(t.db, null, input);
    const events = await t.db.auditEvent.count();
    await expect(createConnector(t.db, null, input)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.db.auditEvent.count()).toBe(events);
    expect(await t.db.connector.count({ where: { name: "dup" } })).toBe(1);
  });
});
