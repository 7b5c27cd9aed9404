/**
 * What the worker's jobs need from the outside world, injectable so unit tests run against the
 * engine's fake Connect, a local SMTP server and a local webhook receiver.
 */
import type { ApplyOptions } from "@switchboard/engine/apply";
import type { ConnectPort, TopicPort } from "@switchboard/engine/port";
import type { Cluster } from "@switchboard/db/repos/clusters";
import { connectForCluster, topicsForCluster } from "@switchboard/domain/cluster-access";
import { createLogger, type Logger as JsonLogger } from "@switchboard/telemetry/logger";
import { env } from "./env";
import { createEmailSender, createWebhookSender, type EmailSender, type WebhookSender } from "./senders";

type Closable = { close?: () => Promise<void> };

/** What jobs log through: pino's methods (a message, or fields then a message); tests pass a silent one. */
export type Logger = Pick<JsonLogger, "info" | "warn" | "error">;

export type WorkerServices = {
  connectFor: (cluster: Cluster) => ConnectPort & Closable;
  /** Undefined when the cluster has no bootstrap servers. */
  topicsFor: (cluster: Cluster) => (TopicPort & Closable) | undefined;
  /** Verification timing of deploys (the engine's defaults otherwise). */
  applyOptions: Pick<ApplyOptions, "settleMs" | "pollIntervalMs" | "verifyTimeoutMs" | "concurrency">;
  sendEmail: EmailSender;
  /** Posts to allowed webhook targets only (see `createWebhookSender`). */
  postWebhook: WebhookSender;
  /** Base URL of the web app for links in notifications. */
  publicUrl: string;
  log: Logger;
};

const globalForLog = globalThis as unknown as { switchboardWorkerLog?: JsonLogger };

/** The worker's JSON logger (secrets masked, request id stamped; see `@switchboard/telemetry/logger`), one per process. */
export function workerLogger(): JsonLogger {
  globalForLog.switchboardWorkerLog ??= createLogger({ name: "worker", level: env.LOG_LEVEL });
  return globalForLog.switchboardWorkerLog;
}

/** The production services, configured from the environment. */
export function defaultServices(): WorkerServices {
  return {
    connectFor: connectForCluster,
    topicsFor: topicsForCluster,
    applyOptions: {},
    sendEmail: createEmailSender({ url: env.SMTP_URL, from: env.SMTP_FROM }),
    postWebhook: createWebhookSender({ allowlist: env.SWITCHBOARD_WEBHOOK_ALLOWLIST }),
    publicUrl: env.SWITCHBOARD_PUBLIC_URL,
    log: workerLogger(),
  };
}

/** Closes a client if it has `close()`, never throwing (a failing close must not fail the job). */
export async function closeQuietly(client: Closable | undefined): Promise<void> {
  await client?.close?.().catch(() => undefined);
}
