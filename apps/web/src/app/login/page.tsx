import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser, isDemoMode, isOidcEnabled } from "../../server/auth";
import { LoginForm } from "./login-form";
import { signInErrorMessage } from "./sign-in-errors";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths: a callbackUrl must not send people to another site after signing in. */
function safeCallbackUrl(value: string | string[] | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (!url || !url.startsWith("/") || url.startsWith("//") || url.startsWith("/\\")) return "/";
  return url;
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  const errorCode = Array.isArray(params.error) ? params.error[0] : params.error;
  const initialError = signInErrorMessage(errorCode);

  return (
    <div className="mx-auto mt-12 max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to Switchboard</h1>
      <LoginForm callbackUrl={callbackUrl} oidcEnabled={isOidcEnabled} initialError={initialError} />
      {isDemoMode && <p className="mt-6 text-xs text-zinc-500 dark:text-zinc-400">Demo mode: the demo users are listed in the README.</p>}
    </div>
  );
}
