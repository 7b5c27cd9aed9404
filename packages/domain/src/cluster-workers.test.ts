import { describe, expect, it } from "vitest";
import { createFakeConnect, DEFAULT_FAKE_PLUGINS } from "@switchboard/engine/fake-connect";
import type { WorkerReport } from "@switchboard/engine/plugins";
import { ConnectError } from "@switchboard/engine/port";
import { validateConfig } from "./change-requests";
import { createInventoryCache } from "./cluster-workers";

const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const worker = (url: string): WorkerReport => ({ url, reachable: true, version: "4.1.0", plugins: DEFAULT_FAKE_PLUGINS.map((p) => ({ ...p })) });
const input = { connectorClass: FILE_SINK, config: { topics: "t", file: "/tmp/x", "tasks.max": "1" } };

function setup() {
  let clock = 1_000;
  const cache = createInventoryCache({ ttlMs: 15_000, maxEntries: 2, now: () => clock });
  const fake = createFakeConnect({ workers: [worker("http://w1"), worker("http://w2")] });
  const count = (method: string) => fake.calls.filter((c) => c.method === method).length;
  return { cache, fake, count, advance: (ms: number) => (clock += ms) };
}

const prod = { id: "prod", connectUrls: ["http://w1", "http://w2"] };

describe("the worker and plugin inventory cache", () => {
  it("two validations within the TTL read the workers once, and ask the cluster's validator each time", async () => {
    const { cache, fake, count } = setup();
    expect(await validateConfig(cache.port(prod, fake), input)).toMatchObject({ reachable: true, valid: true });
    expect(await validateConfig(cache.port(prod, fake), { ...input, config: { ...input.config, "tasks.max": "2" } })).toMatchObject({ reachable: true, valid: true });
    expect(count("inspectWorkers")).toBe(1);
    expect(count("validateConfig")).toBe(2);
  });

  it("reads the workers again once the TTL has passed", async () => {
    const { cache, fake, count, advance } = setup();
    await validateConfig(cache.port(prod, fake), input);
    advance(14_999);
    await validateConfig(cache.port(prod, fake), input);
    expect(count("inspectWorkers")).toBe(1);
    advance(1);
    await validateConfig(cache.port(prod, fake), input);
    expect(count("inspectWorkers")).toBe(2);
  });

  it("keeps clusters apart, and a cluster whose worker URLs changed is read anew", async () => {
    const { cache, fake, count } = setup();
    const other = createFakeConnect({ workers: [worker("http://o1")] });
    await validateConfig(cache.port(prod, fake), input);
    await validateConfig(cache.port({ id: "dev", connectUrls: ["http://o1"] }, other), input);
    expect(count("inspectWorkers")).toBe(1);
    expect(other.calls.filter((c) => c.method === "inspectWorkers")).toHaveLength(1);
    await validateConfig(cache.port({ ...prod, connectUrls: ["http://w1"] }, fake), input);
    expect(count("inspectWorkers")).toBe(2);
  });

  it("holds at most maxEntries clusters, dropping the oldest", async () => {
    const { cache, fake, count } = setup();
    for (const id of ["a", "b", "c"]) await cache.port({ id, connectUrls: ["http://w1"] }, fake).inspectWorkers?.();
    await cache.port({ id: "c", connectUrls: ["http://w1"] }, fake).inspectWorkers?.();
    expect(count("inspectWorkers")).toBe(3);
    await cache.port({ id: "a", connectUrls: ["http://w1"] }, fake).inspectWorkers?.();
    expect(count("inspectWorkers")).toBe(4);
  });

  it("does not keep a failed read, and caches the plugin list of a port that cannot read workers one by one", async () => {
    const { cache, count } = setup();
    const plain = createFakeConnect();
    plain.failNext("listPlugins", new ConnectError("TIMEOUT", "no answer"));
    expect(await validateConfig(cache.port(prod, plain), input)).toMatchObject({ reachable: false });
    expect(await validateConfig(cache.port(prod, plain), input)).toMatchObject({ reachable: true });
    expect(await validateConfig(cache.port(prod, plain), input)).toMatchObject({ reachable: true });
    expect(plain.calls.filter((c) => c.method === "listPlugins")).toHaveLength(2);
    expect(count("inspectWorkers")).toBe(0);
  });
});
