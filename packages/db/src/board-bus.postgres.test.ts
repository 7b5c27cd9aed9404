import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPgBus, type BoardBus } from "./board-bus";
import { nextChanges } from "./board-bus.fixture";
import { env } from "./env";

/** Runs in the PostgreSQL suite (vitest.postgres.config.ts), which always has a server. */
const PG_URL = env.SWITCHBOARD_TEST_PG_URL;

describe("PostgreSQL board bus (LISTEN/NOTIFY)", () => {
  const buses: BoardBus[] = [];
  const open = (name = "switchboard-test") => {
    const url = new URL(PG_URL!);
    url.searchParams.set("application_name", name);
    const bus = createPgBus(url.toString(), { reconnectMs: 100 });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it("fans a change out to another replica's bus, and to its own listeners once", async () => {
    const replicaA = open();
    const replicaB = open();
    // Subscribing opens each LISTEN connection; wait until B's is up by echoing through A.
    const warm = nextChanges(replicaB, 1);
    await new Promise((r) => setTimeout(r, 300));
    replicaA.publish("warm-up");
    expect(await warm).toEqual(["warm-up"]);

    const onB = nextChanges(replicaB, 2);
    const onA: (string | null)[] = [];
    const stopA = replicaA.subscribe((id) => onA.push(id));
    replicaA.publish("cluster-1");
    replicaA.publish(null);
    expect(await onB).toEqual(["cluster-1", null]);
    await new Promise((r) => setTimeout(r, 300));
    stopA();
    // Its own NOTIFY echo is skipped: each publish is heard exactly once locally.
    expect(onA).toEqual(["cluster-1", null]);
  });

  it("hears other replicas again after its connection is killed, with a catch-all change first", async () => {
    const replicaA = open();
    const replicaB = open("switchboard-test-b");
    const ready = nextChanges(replicaB, 1);
    await new Promise((r) => setTimeout(r, 300));
    replicaA.publish("before");
    await ready;

    // Kill B's LISTEN connection from outside, as a failover or an idle timeout would.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const heard = nextChanges(replicaB, 2, 10_000);
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchboard-test-b'",
      );
    } finally {
      await admin.end();
    }
    // Until B is back, its notifications are lost; the catch-all `null` on reconnect covers them.
    await new Promise((r) => setTimeout(r, 1000));
    replicaA.publish("after");
    expect(await heard).toEqual([null, "after"]);
  });
});
