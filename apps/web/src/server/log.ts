/** The web server's JSON logger (see `@switchboard/telemetry/logger`): one per process. */
import { createLogger, type Logger } from "@switchboard/telemetry/logger";
import { env } from "../env";

const globalForLog = globalThis as unknown as { switchboardWebLog?: Logger };

export const log: Logger = (globalForLog.switchboardWebLog ??= createLogger({ name: "web", level: env.logLevel }));
