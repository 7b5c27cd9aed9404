"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "../../components/button";
import { Field } from "../../components/field";
import { signInErrorMessage } from "./sign-in-errors";

export type LoginFormProps = { callbackUrl: string; oidcEnabled: boolean; initialError: string | null };

/** Email and password (and single sign-on when configured). Input is kept when sign-in fails. */
export function LoginForm({ callbackUrl, oidcEnabled, initialError }: LoginFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { email, password, redirect: false, callbackUrl });
      if (!result || result.error) {
        setError(signInErrorMessage(result?.error ?? "Unknown"));
        setPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError("Could not reach Switchboard. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <div className="mt-6 flex flex-col gap-6">
      <form onSubmit={handleSubmit} noValidate className="flex flex-col gap-4" aria-describedby={error ? "login-error" : undefined}>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p id="login-error" role="alert" className="min-h-5 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
        <Button type="submit" variant="primary" loading={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {oidcEnabled && (
        <div className="flex flex-col gap-2 border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <Button onClick={() => void signIn("oidc", { callbackUrl })}>Sign in with single sign-on</Button>
        </div>
      )}
    </div>
  );
}
