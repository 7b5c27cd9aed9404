import { describe, expect, it } from "vitest";
import { refusalCode, signInErrorMessage } from "./sign-in-errors";

describe("sign-in errors", () => {
  it("says how many minutes a throttled sign-in must wait", () => {
    expect(signInErrorMessage(refusalCode({ ok: false, reason: "throttled", retryAfterMinutes: 15 }))).toBe("Too many attempts, try again in 15 minutes.");
    expect(signInErrorMessage("TooManyAttempts:1")).toBe("Too many attempts, try again in 1 minute.");
  });

  it("keeps a wrong email or password as next-auth's own code", () => {
    expect(refusalCode({ ok: false, reason: "invalid" })).toBeNull();
    expect(signInErrorMessage("CredentialsSignin")).toBe("Wrong email or password.");
  });

  it("explains an unverified email at the identity provider", () => {
    expect(signInErrorMessage(refusalCode({ ok: false, reason: "email-not-verified" }))).toMatch(/has not verified the email/);
  });

  it("never shows words from the link itself", () => {
    expect(signInErrorMessage("Your account is locked, call +1 555 0100")).toBe("Sign-in failed. Try again.");
    expect(signInErrorMessage("TooManyAttempts:15 call us")).toBe("Sign-in failed. Try again.");
    expect(signInErrorMessage(undefined)).toBeNull();
  });
});
