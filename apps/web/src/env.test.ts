import { afterEach, describe, expect, it, vi } from "vitest";

async function readEnv(vars: Record<string, string>) {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  vi.resetModules();
  return (await import("./env")).env;
}

afterEach(() => vi.unstubAllEnvs());

describe("SWITCHBOARD_API_RATE_LIMIT", () => {
  it("is 300 requests per token per minute unless set", async () => {
    vi.stubEnv("SWITCHBOARD_API_RATE_LIMIT", undefined as unknown as string);
    expect((await readEnv({})).apiRateLimit).toEqual({ points: 300, durationSeconds: 60 });
  });

  it("sets the per-token limit per minute", async () => {
    expect((await readEnv({ SWITCHBOARD_API_RATE_LIMIT: "50" })).apiRateLimit).toEqual({ points: 50, durationSeconds: 60 });
  });

  it("refuses a value that is not a positive whole number, saying which variable", async () => {
    for (const bad of ["abc", "0", "-5", "2.5"]) await expect(readEnv({ SWITCHBOARD_API_RATE_LIMIT: bad })).rejects.toThrow(/SWITCHBOARD_API_RATE_LIMIT/);
  });
});
