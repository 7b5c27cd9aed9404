import { describe, expect, it } from "vitest";
import { statusOf, type TokenRow } from "./token-rows";

const row = (patch: Partial<TokenRow>): TokenRow => ({
  id: "t1",
  name: "CI",
  prefix: "sb_abc",
  role: "owner",
  teamIds: [],
  expiresAt: new Date(Date.now() + 86_400_000),
  lastUsedAt: null,
  revokedAt: null,
  user: { email: "a@example.com", name: "A" },
  ...patch,
});

describe("statusOf", () => {
  it("calls a token active while it is neither revoked nor past its expiry", () => {
    expect(statusOf(row({}))).toBe("active");
  });
  it("calls a token expired once its expiry has passed", () => {
    expect(statusOf(row({ expiresAt: new Date(Date.now() - 1000) }))).toBe("expired");
  });
  it("calls a revoked token revoked even when it has also expired", () => {
    expect(statusOf(row({ revokedAt: new Date(), expiresAt: new Date(Date.now() - 1000) }))).toBe("revoked");
  });
});
