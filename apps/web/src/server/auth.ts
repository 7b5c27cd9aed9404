/**
 * next-auth options and the one place the web app turns a session cookie into a `SessionUser`.
 * Sessions are JWTs that carry the user id, role and session version; every request reloads the
 * user and refuses a token whose version is not the user's (a password change, a disable or a role
 * change bumps it), so those end the user's sessions at once.
 */
import {
  demoPasswordStartupProblem,
  loadSessionUser,
  signInWithOidc,
  signInWithPassword,
  type OidcClaims,
  type SignedIn,
} from "@switchboard/domain/accounts";
import type { Role, SessionUser } from "@switchboard/api/trpc";
import { getServerSession, type NextAuthOptions, type User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { clientAddress } from "../app/api/auth/client-address";
import { refusalCode } from "../app/login/sign-in-errors";
import { env } from "../env";

declare module "next-auth" {
  // Module augmentation needs `interface`.
  interface User {
    role: Role;
    sessionVersion: number;
    /** Set instead of a user when single sign-on was refused: the code /login explains. */
    refusal?: string;
  }
  interface Session {
    user: { id: string; name: string; email: string; role: Role };
    sessionVersion?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    sessionVersion?: number;
  }
}

function refuseToRun(message: string): never {
  console.error(`[switchboard] ${message}`);
  process.exit(1);
}

/**
 * A production server outside demo mode refuses to run while an enabled account still has the demo
 * password. Next.js evaluates this module with the first request that needs it (route code loads
 * lazily, even with preloading), and every session lookup and sign-in waits for the check, so the
 * process exits before it answers anyone.
 */
export const startupCheck: Promise<void> =
  env.nodeEnv === "production" && !env.isBuild
    ? demoPasswordStartupProblem({ production: true, demoMode: env.demoMode }).then(
        (problem) => {
          if (problem) refuseToRun(problem);
        },
        (err: unknown) => refuseToRun(`Refusing to start: could not check the accounts for the demo password: ${(err as Error).message}`),
      )
    : Promise.resolve();

const credentialsSchema = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

function toAuthUser({ user, sessionVersion }: SignedIn): User {
  return { id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion };
}

function oidcProvider(oidc: NonNullable<typeof env.oidc>): OAuthConfig<OidcClaims> {
  return {
    id: "oidc",
    name: "single sign-on",
    type: "oauth",
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    // The ID token's claims, checked by next-auth against the issuer. A refusal becomes a placeholder
    // user that the signIn callback turns into /login?error=<code> (an error thrown here loses the reason).
    async profile(claims) {
      const result = await signInWithOidc(oidc.issuer, claims);
      if (result.ok) return toAuthUser(result);
      return { id: `refused:${claims.sub}`, role: "viewer", sessionVersion: -1, refusal: refusalCode(result) ?? "AccessDenied" };
    },
  };
}

export const authOptions: NextAuthOptions = {
  secret: env.nextAuthSecret,
  session: { strategy: "jwt" },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        await startupCheck;
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await signInWithPassword({ ...parsed.data, clientAddress: clientAddress(req?.headers), demoMode: env.demoMode });
        if (result.ok) return toAuthUser(result);
        const code = refusalCode(result);
        // next-auth sends a thrown error's message on as ?error=; null keeps its own CredentialsSignin.
        if (code) throw new Error(code);
        return null;
      },
    }),
    ...(env.oidc ? [oidcProvider(env.oidc)] : []),
  ],
  callbacks: {
    signIn({ user }) {
      return user.refusal ? `/login?error=${encodeURIComponent(user.refusal)}` : true;
    },
    jwt({ token, user }) {
      // `user` is present only on sign-in; afterwards the token carries what we put in it.
      if (user) return { ...token, sub: user.id, role: user.role, sessionVersion: user.sessionVersion };
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        user: {
          id: token.sub ?? "",
          name: token.name ?? "",
          email: token.email ?? "",
          role: token.role ?? "viewer",
        },
        sessionVersion: token.sessionVersion,
      };
    },
  },
};

/** Whether the sign-in page should offer single sign-on. */
export const isOidcEnabled = env.oidc !== null;

/** Whether this server runs in demo mode (the demo users and their password work). */
export const isDemoMode = env.demoMode;

/**
 * The signed-in user, freshly loaded (null when signed out, when the user no longer exists or is
 * disabled, or when the session's version is outdated). Memoised per request, so the layout, pages
 * and server-side tRPC calls share one lookup; the tRPC HTTP handler uses it too.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  await startupCheck;
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  if (!userId) return null;
  return loadSessionUser(userId, session.sessionVersion);
});

/** The signed-in user, or a redirect to /login (e.g. a valid cookie for a user removed since). */
export async function requireSessionUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  return user;
}
