import { describe, expect, it } from "vitest";
import { boardQueryString, parseBoardFilters, recordParams } from "./board-params";

describe("board label filters in the URL", () => {
  it("reads every label parameter, normalised as the server does, dropping malformed ones and repeats", () => {
    const params = new URLSearchParams("label=Env%3DProd&label=pci&label=pci&label=bad_label&label=a%3Db%3Dc&state=FAILED");
    expect(parseBoardFilters(params)).toMatchObject({ labels: ["env=prod", "pci"], state: "FAILED" });
    expect(parseBoardFilters(recordParams({ label: ["team=payments", "x"] })).labels).toEqual(["team=payments", "x"]);
    expect(parseBoardFilters(recordParams({ label: "solo" })).labels).toEqual(["solo"]);
    expect(parseBoardFilters(new URLSearchParams("")).labels).toBeUndefined();
  });

  it("writes them back as repeated parameters, so a link round-trips", () => {
    const query = boardQueryString({ page: 1, pageSize: 50, labels: ["env=prod", "pci"], state: "FAILED" });
    expect(query).toBe("?state=FAILED&label=env%3Dprod&label=pci");
    expect(parseBoardFilters(new URLSearchParams(query.slice(1))).labels).toEqual(["env=prod", "pci"]);
  });

  it("keeps at most ten", () => {
    const params = new URLSearchParams(Array.from({ length: 12 }, (_, i) => `label=l${i}`).join("&"));
    expect(parseBoardFilters(params).labels).toHaveLength(10);
  });
});
