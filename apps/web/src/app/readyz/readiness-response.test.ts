import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@switchboard/db/client";
import { pendingMigrations } from "@switchboard/db/migrate";
import { createCluster } from "@switchboard/db/repos/clusters";
import { createSqliteTestDb, type TestDb } from "@switchboard/db/testing";
import { readinessResponse } from "./readiness-response";

const PASSWORD = "pw-Readyz-7731";

/** A stand-in Connect worker whose `GET /health` answer each test sets; it records what it was sent. */
let health: { status: number; body: unknown } = { status: 200, body: { status: "healthy", message: "ok" } };
let connect: Server;
let connectUrl: string;
let t: TestDb;
const tmp = mkdtempSync(join(tmpdir(), "readyz-"));

beforeAll(async () => {
  connect = createServer((req, res) => {
    const answer = req.url === "/health" ? health : { status: 200, body: { version: "3.8.0", commit: "x", kafka_cluster_id: "c" } };
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => connect.listen(0, "127.0.0.1", resolve));
  connectUrl = `http://127.0.0.1:${(connect.address() as AddressInfo).port}`;
  t = await createSqliteTestDb();
  process.env.SWITCHBOARD_CLUSTER_READYZ_USER = "admin";
  process.env.SWITCHBOARD_CLUSTER_READYZ_PASSWORD = PASSWORD;
  await createCluster(t.db, null, { name: "payments-prod", environment: "prod", connectUrls: [connectUrl], approvalsRequired: 1, authUsernameEnv: "SWITCHBOARD_CLUSTER_READYZ_USER", authPasswordEnv: "SWITCHBOARD_CLUSTER_READYZ_PASSWORD" });
});

afterEach(() => {
  health = { status: 200, body: { status: "healthy", message: "ok" } };
});

afterAll(async () => {
  await t.cleanup();
  await new Promise((resolve) => connect.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

type Body = { status: string; checks: Array<{ check: string; cluster?: string; ok: boolean; reason?: string }> };

async function ask(deps: Parameters<typeof readinessResponse>[0]): Promise<{ status: number; body: Body; text: string }> {
  const res = await readinessResponse(deps);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Body, text };
}

const migratedDeps = () => ({ db: t.db, pendingMigrations: () => pendingMigrations(t.url) });

describe("/readyz", () => {
  it("answers 200 listing every check when the database, its migrations and each cluster's Connect are fine", async () => {
    const { status, body } = await ask(migratedDeps());
    expect(status).toBe(200);
    expect(body.status).toBe("ready");
    expect(body.checks).toEqual([
      { check: "database", ok: true },
      { check: "migrations", ok: true },
      { check: "connect", cluster: "payments-prod", ok: true },
    ]);
  });

  it("answers 503 naming the database when it cannot be reached, without its path or error", async () => {
    // A directory where the SQLite file should be: opening it fails on the first query.
    const dir = join(tmp, `secret-${PASSWORD}`);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "db"), { recursive: true });
    const broken = createDb(`file:${join(dir, "db")}`);
    try {
      const { status, body, text } = await ask({ db: broken, pendingMigrations: async () => [] });
      expect(status).toBe(503);
      expect(body.checks).toContainEqual({ check: "database", ok: false, reason: "not reachable" });
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(tmp);
    } finally {
      await broken.$disconnect();
    }
  });

  it("answers 503 naming the migrations when the database has pending ones", async () => {
    const empty = createDb(`file:${join(tmp, "empty.db")}`);
    try {
      const { status, body } = await ask({ db: empty, pendingMigrations: () => pendingMigrations(`file:${join(tmp, "empty.db")}`) });
      expect(status).toBe(503);
      const check = body.checks.find((c) => c.check === "migrations");
      expect(check).toMatchObject({ ok: false });
      expect(check?.reason).toMatch(/^\d+ pending$/);
      expect(body.checks.find((c) => c.check === "database")).toEqual({ check: "database", ok: true });
    } finally {
      await empty.$disconnect();
    }
  });

  it("answers 503 naming the cluster whose Connect does not answer, without its URL or credentials", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const deps = { ...migratedDeps(), connectFor: undefined, connectTimeoutSeconds: 2 };
    await t.db.cluster.update({ where: { name: "payments-prod" }, data: { connectUrls: JSON.stringify([deadUrl]) } });
    try {
      const { status, body, text } = await ask(deps);
      expect(status).toBe(503);
      expect(body.status).toBe("not ready");
      expect(body.checks).toContainEqual({ check: "connect", cluster: "payments-prod", ok: false, reason: "unreachable" });
      expect(text).not.toContain(deadUrl);
      expect(text).not.toContain(PASSWORD);
    } finally {
      await t.db.cluster.update({ where: { name: "payments-prod" }, data: { connectUrls: JSON.stringify([connectUrl]) } });
    }
  });

  it("answers 503 with Connect's status word while a worker is starting, never its message", async () => {
    health = { status: 503, body: { status: "starting", message: `still starting; jdbc:postgresql://app:${PASSWORD}@db/x` } };
    const { status, body, text } = await ask(migratedDeps());
    expect(status).toBe(503);
    expect(body.checks).toContainEqual({ check: "connect", cluster: "payments-prod", ok: false, reason: "starting" });
    expect(text).not.toContain("still starting");
    expect(text).not.toContain(PASSWORD);
  });

  it("falls back to GET / on a worker older than KIP-1017 (404 on /health)", async () => {
    health = { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
    const { status, body } = await ask(migratedDeps());
    expect(status).toBe(200);
    expect(body.checks).toContainEqual({ check: "connect", cluster: "payments-prod", ok: true });
  });

  it("says so when Connect refuses the cluster's credentials", async () => {
    health = { status: 401, body: { error_code: 401, message: "Unauthorized" } };
    const { status, body } = await ask(migratedDeps());
    expect(status).toBe(503);
    expect(body.checks).toContainEqual({ check: "connect", cluster: "payments-prod", ok: false, reason: "refused our credentials" });
  });
});
