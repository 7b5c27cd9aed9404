import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser, isOidcEnabled } from "../../server/auth";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths: a callbackUrl must not send people to another site after signing in. */
function safeCallbackUrl(value: string | string[] | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (!url || !url.startsWith("/") || url.startsWith("//") || url.startsWith("/\\")) return "/";
  return url;
}

// next-auth's error codes (?error=...) as sentences.
const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  OAuthSignin: "Single sign-on could not start. Try again or use your email and password.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
  OAuthAccountNotLinked: "This email is already used by another sign-in method.",
  SessionRequired: "Sign in to continue.",
  AccessDenied: "Access denied.",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  const errorCode = Array.isArray(params.error) ? params.error[0] : params.error;
  const initialError = errorCode ? (ERRORS[errorCode] ?? "Sign-in failed. Try again.") : null;

  return (
    <div className="mx-auto mt-12 max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to Switchboard</h1>
      <LoginForm callbackUrl={callbackUrl} oidcEnabled={isOidcEnabled} initialError={initialError} />
      <p className="mt-6 text-xs text-zinc-500 dark:text-zinc-400">Demo users are listed in the README.</p>
    </div>
  );
}
