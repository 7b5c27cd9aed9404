/**
 * What the worker's jobs need from the outside world, injectable so unit tests run against the
 * engine's fake Connect, a local SMTP server and a local webhook receiver.
 */
import type { ApplyOptions } from "@switchboard/engine/apply";
import type { ConnectPort, TopicPort } from "@switchboard/engine/port";
import type { Cluster } from "@switchboard/db/repos/clusters";
import { connectForCluster, topicsForCluster } from "@switchboard/domain/cluster-access";
import { env } from "./env";
import { createEmailSender, createWebhookSender, type EmailSender, type WebhookSender } from "./senders";

type Closable = { close?: () => Promise<void> };

export type Logger = {
  info: (msg: string) => void;
  warn: (msg: string) => void;
  error: (msg: string) => void;
};

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

const consoleLogger: Logger = {
  info: (m) => console.log(`[worker] ${m}`),
  warn: (m) => console.warn(`[worker] ${m}`),
  error: (m) => console.error(`[worker] ${m}`),
};

/** The production services, configured from the environment. */
export function defaultServices(): WorkerServices {
  return {
    connectFor: connectForCluster,
    topicsFor: topicsForCluster,
    applyOptions: {},
    sendEmail: createEmailSender({ url: env.SMTP_URL, from: env.SMTP_FROM }),
    postWebhook: createWebhookSender({ allowlist: env.SWITCHBOARD_WEBHOOK_ALLOWLIST }),
    publicUrl: env.SWITCHBOARD_PUBLIC_URL,
    log: consoleLogger,
  };
}

/** Closes a client if it has `close()`, never throwing (a failing close must not fail the job). */
export async function closeQuietly(client: Closable | undefined): Promise<void> {
  await client?.close?.().catch(() => undefined);
}
