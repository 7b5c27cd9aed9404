import path from "node:path";
import type { NextConfig } from "next";

// The workspace root: Turbopack must see the sibling packages, whose exports point at TypeScript source.
const workspaceRoot = path.join(import.meta.dirname, "../..");

const nextConfig: NextConfig = {
  transpilePackages: [
    "@switchboard/api",
    "@switchboard/domain",
    "@switchboard/worker",
    "@switchboard/engine",
    "@switchboard/connect-client",
    "@switchboard/db",
    "@switchboard/telemetry",
  ],
  // Native or Node-only modules stay out of the bundle and are required at runtime.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "kafkajs", "nodemailer", "pino", "prom-client"],
  typedRoutes: false,
  poweredByHeader: false,
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
};

export default nextConfig;
