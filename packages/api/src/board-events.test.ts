import superjson from "superjson";
import { createTestDb } from "@switchboard/db/testing";
import { createConnector } from "@switchboard/db/repos/connectors";
import { recordClusterHealth } from "@switchboard/db/repos/health";
import { boardSnapshot } from "@switchboard/domain/board-snapshot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardEvents } from "./board-events";
import { buildWorld, type Actor, type World } from "./routers/board-admin.fixture";
import { createContextInner } from "./trpc";

const t = await createTestDb();
let w: World;

beforeAll(async () => {
  w = await buildWorld(t.db);
  for (let i = 0; i < 3; i++) {
    await createConnector(t.db, null, { name: `pay-0${i}`, clusterId: w.cluster.id, teamId: w.payments.id, desiredState: "RUNNING", config: { "connector.class": "org.example.S3Sink", topics: `p${i}` }, secrets: {} });
    await createConnector(t.db, null, { name: `ana-0${i}`, clusterId: w.cluster.id, teamId: w.analytics.id, desiredState: "RUNNING", config: { "connector.class": "org.example.S3Sink", topics: `a${i}` }, secrets: {} });
  }
});
afterAll(async () => {
  boardSnapshot(t.db).close();
  await t.cleanup();
});

type Stream = { next: () => Promise<{ bytes: Uint8Array; page: unknown }>; stop: () => Promise<void> };

/** Opens the stream for `actor` with `input` (as the URL parameter carries it). */
function open(actor: Exclude<Actor, "anonymous">, input: unknown): Stream {
  const ended = new AbortController();
  const frames = boardEvents(createContextInner({ user: w.users[actor], db: t.db }), JSON.stringify(input), ended.signal);
  return {
    next: async () => {
      const r = await frames.next();
      if (r.done) throw new Error("the stream ended");
      const text = new TextDecoder().decode(r.value);
      const m = /^event: board\ndata: (.*)\n\n$/s.exec(text);
      if (!m) throw new Error(`not a board frame: ${text.slice(0, 80)}`);
      return { bytes: r.value, page: superjson.parse(m[1]!) };
    },
    stop: async () => {
      ended.abort();
      await frames.return(undefined);
    },
  };
}

const failing = (name: string) => ({ connectorName: name, state: "FAILED" as const, tasksRunning: 0, tasksTotal: 1, tasksFailed: 1, trace: "java.lang.IllegalStateException: boom" });

describe("board event stream", () => {
  it("refuses a signed-out caller before looking at the query", () => {
    const ctx = createContextInner({ user: null, db: t.db });
    expect(() => boardEvents(ctx, JSON.stringify({ page: 1 }), new AbortController().signal)).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    expect(() => boardEvents(ctx, "not json", new AbortController().signal)).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
  });

  it("refuses an invalid query with the reason, as connector.board would", () => {
    const ctx = createContextInner({ user: w.users.viewer, db: t.db });
    const signal = new AbortController().signal;
    expect(() => boardEvents(ctx, "{", signal)).toThrow(expect.objectContaining({ code: "BAD_REQUEST", message: "The input parameter is not JSON." }));
    expect(() => boardEvents(ctx, JSON.stringify({ pageSize: 100_000 }), signal)).toThrow(expect.objectContaining({ code: "BAD_REQUEST", message: expect.stringContaining("pageSize: At most") }));
    expect(() => boardEvents(ctx, JSON.stringify({ state: "ON_FIRE" }), signal)).toThrow(expect.objectContaining({ code: "BAD_REQUEST", message: expect.stringContaining("state") }));
  });

  it("pushes exactly what connector.board answers, at once and after a change, for an owner's mine and for a viewer", async () => {
    const mine = { page: 1, pageSize: 50, mine: true };
    const all = { page: 1, pageSize: 2, sort: { column: "name", direction: "asc" } as const };
    const owner = open("owner", mine);
    const viewer = open("viewer", all);
    try {
      const ownerFirst = await owner.next();
      expect(ownerFirst.page).toEqual(await w.caller("owner").connector.board(mine));
      expect((ownerFirst.page as { items: { team: { name: string } }[] }).items.map((i) => i.team.name)).toEqual(["payments", "payments", "payments", "payments"]);
      expect((await viewer.next()).page).toEqual(await w.caller("viewer").connector.board(all));

      await recordClusterHealth(t.db, w.cluster.id, [failing("pay-01"), failing("ana-00")]);
      const [ownerNext, viewerNext] = await Promise.all([owner.next(), viewer.next()]);
      expect(ownerNext.page).toMatchObject({ counts: { FAILED: 1 } });
      expect(ownerNext.page).toEqual(await w.caller("owner").connector.board(mine));
      expect(viewerNext.page).toEqual(await w.caller("viewer").connector.board(all));
    } finally {
      await owner.stop();
      await viewer.stop();
    }
  });

  it("never gives a user a page computed with another user's teams, and shares the bytes of the same page", async () => {
    const mine = { page: 1, pageSize: 50, mine: true };
    const owner = open("owner", mine);
    const otherOwner = open("otherOwner", mine);
    const viewer = open("viewer", mine);
    const owner2 = open("owner", mine);
    try {
      const [o, other, v, o2] = await Promise.all([owner.next(), otherOwner.next(), viewer.next(), owner2.next()]);
      const teams = (p: unknown) => [...new Set((p as { items: { team: { name: string } }[] }).items.map((i) => i.team.name))];
      expect(teams(o.page)).toEqual(["payments"]);
      expect(teams(other.page)).toEqual(["analytics"]);
      expect((v.page as { total: number }).total).toBe(0);
      expect(o2.bytes).toBe(o.bytes);

      await recordClusterHealth(t.db, w.cluster.id, [failing("pay-02")]);
      const [o3, other3, o23] = await Promise.all([owner.next(), otherOwner.next(), owner2.next()]);
      expect(teams(other3.page)).toEqual(["analytics"]);
      expect(other3.page).toEqual(await w.caller("otherOwner").connector.board(mine));
      expect(o23.bytes).toBe(o3.bytes);
    } finally {
      await Promise.all([owner.stop(), otherOwner.stop(), viewer.stop(), owner2.stop()]);
    }
  });
});
