/**
 * "The board changed" notifications: whoever writes what the board shows (health rows, connectors,
 * teams, clusters) calls {@link publishBoardChange}; board snapshots listen with
 * {@link onBoardChange}. In one process an EventEmitter carries them. On PostgreSQL they also fan out
 * to every replica with LISTEN/NOTIFY over a dedicated `pg` connection. A lost notification only
 * delays a snapshot: its readers also probe the database at most once a second.
 */
import { EventEmitter } from "node:events";
import pg from "pg";
import { databaseUrl, isPostgresUrl } from "./env";

export const BOARD_CHANNEL = "switchboard_board";

/** `clusterId` null: anything may have changed (a team or cluster renamed, a lost connection). */
export type BoardChangeListener = (clusterId: string | null) => void;

export type BoardBus = {
  publish(clusterId: string | null): void;
  subscribe(listener: BoardChangeListener): () => void;
  close(): Promise<void>;
};

/** In-process bus: listeners in this process only. */
export function createLocalBus(): BoardBus {
  const emitter = new EventEmitter();
  // One listener per board snapshot (per database handle) and per test: not a leak.
  emitter.setMaxListeners(0);
  return {
    publish: (clusterId) => emitter.emit("change", clusterId),
    subscribe(listener) {
      emitter.on("change", listener);
      return () => emitter.off("change", listener);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Bus over PostgreSQL LISTEN/NOTIFY: a publish reaches this process's listeners at once and every
 * other process listening on the same database through NOTIFY (its own echo is skipped by backend
 * pid). The connection opens on first use and reopens a second after it drops; listeners then get
 * a `null` change, since notifications sent meanwhile are lost.
 */
export function createPgBus(url: string, opts: { reconnectMs?: number; onError?: (err: Error) => void } = {}): BoardBus {
  const local = createLocalBus();
  const reconnectMs = opts.reconnectMs ?? 1000;
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client | null> | null = null;
  let ownPid: number | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const report = (err: unknown) => opts.onError?.(err instanceof Error ? err : new Error(String(err)));

  const connect = (): Promise<pg.Client | null> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        // Listening alone must not keep a process alive (a worker exits once its loop ends).
        (c.connection.stream as unknown as { unref?: () => void }).unref?.();
        c.on("notification", (msg) => {
          if (msg.channel !== BOARD_CHANNEL || msg.processId === ownPid) return;
          local.publish(msg.payload ? msg.payload : null);
        });
        const dropped = (err?: Error) => {
          if (err) report(err);
          if (client !== c) return;
          client = null;
          c.end().catch(() => undefined);
          if (!closed) timer = setTimeout(() => void reconnect(), reconnectMs);
        };
        c.on("error", dropped);
        c.on("end", () => dropped());
        await c.query(`LISTEN ${BOARD_CHANNEL}`);
        ownPid = ((await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid ?? null);
        if (closed) {
          await c.end();
          return null;
        }
        client = c;
        return c;
      } catch (err) {
        report(err);
        await c.end().catch(() => undefined);
        if (!closed) timer = setTimeout(() => void reconnect(), reconnectMs);
        return null;
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  };

  const reconnect = async () => {
    timer = null;
    if (await connect()) local.publish(null);
  };

  // One query at a time on the connection (node-postgres deprecates overlapping ones): notifies queue up.
  let notifying: Promise<unknown> = Promise.resolve();
  return {
    publish(clusterId) {
      local.publish(clusterId);
      notifying = notifying.then(() => connect().then((c) => c?.query("SELECT pg_notify($1, $2)", [BOARD_CHANNEL, clusterId ?? ""]))).catch(report);
    },
    subscribe(listener) {
      void connect();
      return local.subscribe(listener);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await connecting;
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
      await local.close();
    },
  };
}

const globalForBus = globalThis as unknown as { switchboardBoardBus?: BoardBus };

/** The process's bus: LISTEN/NOTIFY when DATABASE_URL is PostgreSQL, in-process otherwise. */
export function boardBus(): BoardBus {
  if (!globalForBus.switchboardBoardBus) {
    const url = databaseUrl();
    globalForBus.switchboardBoardBus = isPostgresUrl(url) ? createPgBus(url) : createLocalBus();
  }
  return globalForBus.switchboardBoardBus;
}

/** Tells every board snapshot (in this process and, on PostgreSQL, in every replica) that a cluster's board changed. */
export function publishBoardChange(clusterId: string | null): void {
  boardBus().publish(clusterId);
}

export function onBoardChange(listener: BoardChangeListener): () => void {
  return boardBus().subscribe(listener);
}
