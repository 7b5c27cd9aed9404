import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LogLevel } from "./log-levels";
import { createLogger } from "./logger";
import { withRequestId } from "./request-context";

const PASSWORD = "hunter2-Zq9xK";
const TOKEN = "tok-8f3b1c77a9";

/** A logger whose lines are collected as parsed JSON, plus the raw text to search for leaks. */
function capture(level: LogLevel = "info") {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString("utf8"));
      done();
    },
  });
  // pino writes to a plain Writable synchronously; the test reads right after logging.
  const log = createLogger({ name: "test", level, destination });
  const lines = () => raw.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, raw: () => raw.join(""), lines };
}

describe("createLogger", () => {
  it("masks a secret under a secret-looking key of a connector config, however deep", () => {
    const c = capture();
    c.log.info({ connector: { name: "orders", config: { "connection.password": PASSWORD, "connection.user": "app", topics: "orders" } } }, "deploying");
    expect(c.raw()).not.toContain(PASSWORD);
    const line = c.lines()[0] as { connector: { config: Record<string, string> } };
    expect(line.connector.config["connection.password"]).toBe("(sensitive)");
    expect(line.connector.config.topics).toBe("orders");
  });

  it("masks known fields such as headers.authorization and a top-level token", () => {
    const c = capture();
    c.log.info({ headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" }, token: TOKEN }, "call");
    expect(c.raw()).not.toContain(TOKEN);
    expect(c.lines()[0]).toMatchObject({ headers: { accept: "application/json" } });
  });

  it("redacts credentials inside an error message and its stack", () => {
    const c = capture();
    const err = new Error(`connect failed: jdbc:postgresql://app:${PASSWORD}@db.internal:5432/orders`);
    c.log.error(err);
    c.log.error({ err }, "deploy failed");
    expect(c.raw()).not.toContain(PASSWORD);
    const [first, second] = c.lines() as Array<{ msg: string; err: { message: string; stack: string } }>;
    expect(first?.msg).toContain("jdbc:postgresql://app:(sensitive)@db.internal");
    expect(second?.err.message).toContain("(sensitive)");
    expect(second?.err.stack).toContain("connect failed");
  });

  it("redacts credentials quoted in a task trace given as free text", () => {
    const c = capture();
    const trace = `org.apache.kafka.connect.errors.ConnectException: login failed password=${PASSWORD}\n\tat io.debezium.Conn.open(Conn.java:12)\nAuthorization: Basic ${TOKEN}`;
    c.log.warn(`task orders-0 failed: ${trace}`);
    c.log.warn({ trace }, "task failed");
    expect(c.raw()).not.toContain(PASSWORD);
    expect(c.raw()).not.toContain(TOKEN);
    expect(c.raw()).toContain("ConnectException");
  });

  it("masks fields given to a child logger", () => {
    const c = capture();
    c.log.child({ cluster: { name: "prod", password: PASSWORD, url: `https://u:${PASSWORD}@connect:8083` } }).info("polled");
    expect(c.raw()).not.toContain(PASSWORD);
    expect(c.raw()).toContain("prod");
  });

  it("stamps the current request id on each line, and none outside a request", () => {
    const c = capture();
    withRequestId("req-123", () => c.log.info("inside"));
    c.log.info("outside");
    const [inside, outside] = c.lines();
    expect(inside).toMatchObject({ requestId: "req-123", msg: "inside", level: "info", name: "test" });
    expect(outside).not.toHaveProperty("requestId");
  });

  it("writes nothing below its level", () => {
    const c = capture("warn");
    c.log.info("quiet");
    c.log.warn("loud");
    expect(c.lines().map((l) => l.msg)).toEqual(["loud"]);
  });
});
