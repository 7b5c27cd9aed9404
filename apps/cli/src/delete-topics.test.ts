import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TopicAdmin } from "@switchboard/connect-client/topics";
import { createFakeConnect, type FakeConnectInit } from "@switchboard/engine/fake-connect";
import type { CliIo } from "./context";
import { runCaptured } from "./run-captured";

const CONNECT = ["--connect", "http://connect.test:8083"];
const SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

/** An in-memory broker's topics. */
function fakeTopics(names: string[]): TopicAdmin & { names: Set<string> } {
  const set = new Set(names);
  return {
    names: set,
    listTopics: async () => [...set].sort(),
    createTopics: async (topics) => void topics.forEach((t) => set.add(t.name)),
    deleteTopics: async (ns) => void ns.forEach((n) => set.delete(n)),
    close: async () => {},
  };
}

async function setup(state: object, init: FakeConnectInit = {}, topics = fakeTopics(["old-orders", "orders"])) {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-topics-"));
  await writeFile(join(dir, "state.json"), JSON.stringify(state));
  const connect = Object.assign(createFakeConnect(init), { close: async () => {} });
  const io: Partial<CliIo> = { cwd: dir, services: { createConnect: () => connect, createTopics: () => topics, applyTiming: { settleMs: 0, pollIntervalMs: 1 } } };
  return { io, topics };
}

describe("deleteTopics in a state file", () => {
  it("plans the deletion as a destructive step and changes nothing (exit 2)", async () => {
    const { io, topics } = await setup({ connectors: [], deleteTopics: ["old-orders"] });
    const r = await runCaptured(["plan", "state.json", ...CONNECT, "--bootstrap", "kafka.test:9092"], io);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/- topic old-orders \(deleted with every record in it: the data is lost\)/);
    expect(topics.names.has("old-orders")).toBe(true);
  });

  it("deletes the topic on apply, and only that one", async () => {
    const { io, topics } = await setup({ connectors: [], deleteTopics: ["old-orders"] });
    const r = await runCaptured(["apply", "state.json", ...CONNECT, "--bootstrap", "kafka.test:9092", "--yes"], io);
    expect(r.code).toBe(0);
    expect([...topics.names]).toEqual(["orders"]);
  });

  it("refuses to delete a topic a connector on the cluster uses, and deletes nothing", async () => {
    const { io, topics } = await setup({ connectors: [], deleteTopics: ["orders"] }, { connectors: [{ name: "hand-made", config: { "connector.class": SINK, topics: "orders" } }] });
    const r = await runCaptured(["apply", "state.json", ...CONNECT, "--bootstrap", "kafka.test:9092", "--yes"], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TOPIC_IN_USE.*topic orders is not deleted: connector hand-made uses it/);
    expect(topics.names.has("orders")).toBe(true);
  });

  it("without bootstrap servers, fails the apply with the reason and touches no topic", async () => {
    const { io, topics } = await setup({ connectors: [], deleteTopics: ["old-orders"] });
    const r = await runCaptured(["apply", "state.json", ...CONNECT, "--yes"], io);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/no Kafka connection was given \(bootstrap servers\)/);
    expect(topics.names.has("old-orders")).toBe(true);
  });
});
