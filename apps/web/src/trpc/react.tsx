"use client";

/**
 * Client-side tRPC: `const trpc = useTRPC(); useQuery(trpc.me.queryOptions())`.
 * Server Components use `api` from ./server instead.
 */
import type { AppRouter } from "@switchboard/api/root";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, isTRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const NO_RETRY_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "CONFLICT"]);

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // Retrying cannot fix a client error; it only delays showing it.
        retry: (failureCount, error) =>
          !(isTRPCClientError(error) && NO_RETRY_CODES.has(String(error.data?.code))) && failureCount < 2,
      },
    },
  });
}

/** Query client and tRPC client for the whole app; created once per browser tab. */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // Relative URL: the client only fetches in the browser. Server Components use ./server.
      links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
