import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";

describe("clientAddress", () => {
  it("takes the address the nearest proxy appended, not the first hop a client can write", () => {
    expect(clientAddress({ "x-forwarded-for": "203.0.113.7, 198.51.100.20" })).toBe("198.51.100.20");
    expect(clientAddress({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 198.51.100.20" })).toBe("198.51.100.20");
  });

  it("takes the socket address Next.js fills in when no proxy sent the header", () => {
    expect(clientAddress({ "x-forwarded-for": "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(clientAddress({ "x-forwarded-for": "::1" })).toBe("::1");
  });

  it("is null without the header", () => {
    expect(clientAddress({})).toBeNull();
    expect(clientAddress(undefined)).toBeNull();
    expect(clientAddress({ "x-forwarded-for": " " })).toBeNull();
  });
});
