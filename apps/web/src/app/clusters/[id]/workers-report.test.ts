import { describe, expect, it } from "vitest";
import { pinningNote, shortClass, type Workers } from "./workers-report";

const report = (pinningSupported: boolean, workers: { url: string; version: string | null; supportsPluginVersions: boolean | null }[]) =>
  ({ pinningSupported, workers, plugins: [], checkedAt: new Date() }) as unknown as Workers;

describe("pinningNote", () => {
  it("says pinning is unknown when no worker answered", () => {
    expect(pinningNote(report(false, [{ url: "http://w1:8083", version: null, supportsPluginVersions: null }]))).toMatch(/^No worker answered/);
  });
  it("says connectors may pin versions when every worker that answered supports it", () => {
    expect(pinningNote(report(true, [{ url: "http://w1:8083", version: "4.1.0", supportsPluginVersions: true }]))).toMatch(/connectors may pin plugin versions/);
  });
  it("names each worker that answered with a Kafka too old to pin", () => {
    const note = pinningNote(
      report(false, [
        { url: "http://w1:8083", version: "4.1.0", supportsPluginVersions: true },
        { url: "http://w2:8083", version: "3.9.0", supportsPluginVersions: false },
        { url: "http://w3:8083", version: null, supportsPluginVersions: null },
      ]),
    );
    expect(note).toContain("; http://w2:8083 runs 3.9.0. Changes that pin a version are refused.");
    expect(note).not.toContain("w1");
    expect(note).not.toContain("w3");
  });
});

describe("shortClass", () => {
  it("drops the package of a class name", () => {
    expect(shortClass("org.apache.kafka.connect.file.FileStreamSinkConnector")).toBe("FileStreamSinkConnector");
  });
  it("keeps a name without a package", () => {
    expect(shortClass("Plain")).toBe("Plain");
  });
});
