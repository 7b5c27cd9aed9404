import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../testing";
import { acquireLease, leaseHolder, releaseLease } from "./leases";

const t = await createTestDb();
afterAll(() => t.cleanup());
beforeEach(async () => {
  await t.db.lease.deleteMany();
});

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));

describe("leases", () => {
  it("gives a free lease to the first holder and refuses a second one while it runs", async () => {
    expect(await acquireLease(t.db, "status:c1", "a", 10_000, at(0))).toBe(true);
    expect(await acquireLease(t.db, "status:c1", "b", 10_000, at(5))).toBe(false);
    expect(await leaseHolder(t.db, "status:c1", at(5))).toBe("a");
    // Another key is another lease.
    expect(await acquireLease(t.db, "status:c2", "b", 10_000, at(5))).toBe(true);
  });

  it("lets its holder renew it, which pushes the expiry on", async () => {
    expect(await acquireLease(t.db, "k", "a", 10_000, at(0))).toBe(true);
    expect(await acquireLease(t.db, "k", "a", 10_000, at(8))).toBe(true);
    // Without the renewal at 8 s, b would take it at 12 s.
    expect(await acquireLease(t.db, "k", "b", 10_000, at(12))).toBe(false);
    expect(await leaseHolder(t.db, "k", at(17))).toBe("a");
    expect(await leaseHolder(t.db, "k", at(19))).toBeNull();
  });

  it("hands an expired lease to another holder, and then refuses the old holder's renewal", async () => {
    expect(await acquireLease(t.db, "k", "a", 10_000, at(0))).toBe(true);
    expect(await acquireLease(t.db, "k", "b", 10_000, at(11))).toBe(true);
    expect(await leaseHolder(t.db, "k", at(11))).toBe("b");
    expect(await acquireLease(t.db, "k", "a", 10_000, at(12))).toBe(false);
    expect(await leaseHolder(t.db, "k", at(12))).toBe("b");
  });

  it("gives it to exactly one of many holders racing for it", async () => {
    for (let round = 0; round < 10; round++) {
      await t.db.lease.deleteMany();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(t.db, "race", `h${i}`, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `h${results.indexOf(true)}`;
      expect(await leaseHolder(t.db, "race")).toBe(winner);
    }
  });

  it("is released only by its holder, and is free at once after", async () => {
    expect(await acquireLease(t.db, "k", "a", 10_000, at(0))).toBe(true);
    expect(await releaseLease(t.db, "k", "b")).toBe(false);
    expect(await acquireLease(t.db, "k", "b", 10_000, at(1))).toBe(false);
    expect(await releaseLease(t.db, "k", "a")).toBe(true);
    expect(await acquireLease(t.db, "k", "b", 10_000, at(1))).toBe(true);
  });
});
