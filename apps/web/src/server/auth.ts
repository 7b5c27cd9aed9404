/**
 * next-auth options and the one place the web app turns a session cookie into a `SessionUser`.
 * Sessions are JWTs that carry the user id and role; the API reloads the user on every request
 * so a role change or a removed user takes effect at once.
 */
import { authenticateUser, loadSessionUser, upsertOidcUser } from "@switchboard/domain/accounts";
import type { Role, SessionUser } from "@switchboard/api/trpc";
import { getServerSession, type NextAuthOptions, type User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { env } from "../env";

declare module "next-auth" {
  // Module augmentation needs `interface`.
  interface User {
    role: Role;
  }
  interface Session {
    user: { id: string; name: string; email: string; role: Role };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
  }
}

const credentialsSchema = z.object({ email: z.string().trim().min(1), password: z.string().min(1) });

type OidcProfile = { sub: string; email?: string | null; name?: string | null };

function toAuthUser(user: SessionUser): User {
  return { id: user.id, name: user.name, email: user.email, role: user.role };
}

function oidcProvider(oidc: NonNullable<typeof env.oidc>): OAuthConfig<OidcProfile> {
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
    async profile(profile) {
      if (!profile.email) throw new Error("The identity provider did not return an email address.");
      const user = await upsertOidcUser({ email: profile.email, name: profile.name, sub: profile.sub });
      return toAuthUser(user);
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
      async authorize(credentials) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const user = await authenticateUser(parsed.data.email, parsed.data.password);
        return user ? toAuthUser(user) : null;
      },
    }),
    ...(env.oidc ? [oidcProvider(env.oidc)] : []),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is present only on sign-in; afterwards the token carries what we put in it.
      if (user) return { ...token, sub: user.id, role: user.role };
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
      };
    },
  },
};

/** Whether the sign-in page should offer single sign-on. */
export const isOidcEnabled = env.oidc !== null;

/**
 * The signed-in user, freshly loaded (null when signed out or the user no longer exists).
 * Memoised per request, so the layout, pages and server-side tRPC calls share one lookup.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  if (!userId) return null;
  return loadSessionUser(userId);
});

/** The signed-in user, or a redirect to /login (e.g. a valid cookie for a user removed since). */
export async function requireSessionUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  return user;
}
