/**
 * Sign-in errors as next-auth carries them (`?error=<code>` on /login, `result.error` from
 * `signIn(..., { redirect: false })`) and as sentences. Only known codes are shown, so a crafted
 * link cannot put its own words on the sign-in page. No server imports: the login form uses it too.
 */
import type { SignInRefusal } from "@switchboard/domain/accounts";

const THROTTLED = /^TooManyAttempts:(\d{1,4})$/;

const MESSAGES: Record<string, string> = {
  // next-auth's own codes.
  CredentialsSignin: "Wrong email or password.",
  OAuthSignin: "Single sign-on could not start. Try again or use your email and password.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
  OAuthAccountNotLinked: "This email is already used by another sign-in method.",
  SessionRequired: "Sign in to continue.",
  AccessDenied: "Access denied.",
  // Switchboard's refusals.
  DemoPassword: "The demo password works only in demo mode. Ask an admin to give you a new password.",
  AccountDisabled: "This account is disabled. Ask an admin to enable it.",
  OidcNoEmail: "The identity provider did not return an email address.",
  OidcEmailNotVerified:
    "An account with this email exists, but your identity provider has not verified the email, so single sign-on cannot be linked to it. Verify the email with your provider, or sign in with your password.",
  OidcLinkedElsewhere: "The account with this email is already linked to another single sign-on identity. Ask an admin.",
};

/** The code a refusal travels as (next-auth puts it into `?error=`); null for a wrong email or password. */
export function refusalCode(refusal: SignInRefusal): string | null {
  switch (refusal.reason) {
    case "invalid":
      return null;
    case "throttled":
      return `TooManyAttempts:${refusal.retryAfterMinutes}`;
    case "demo-password":
      return "DemoPassword";
    case "disabled":
      return "AccountDisabled";
    case "no-email":
      return "OidcNoEmail";
    case "email-not-verified":
      return "OidcEmailNotVerified";
    case "linked-elsewhere":
      return "OidcLinkedElsewhere";
  }
}

/** The sentence for an error code; a general one for codes it does not know, null for none. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  const throttled = THROTTLED.exec(code);
  if (throttled) {
    const minutes = Number(throttled[1]);
    return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
  }
  return MESSAGES[code] ?? "Sign-in failed. Try again.";
}
