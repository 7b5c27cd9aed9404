/**
 * Owner notifications about incidents: what they say (in-app text, email, Slack-compatible webhook
 * body) and their delivery. Notifications are rows first; the delivery pass sends the due ones and
 * records the outcome, so a failed delivery is retried with backoff and stays visible.
 */
import pLimit from "p-limit";
import pRetry, { AbortError } from "p-retry";
import type { Db, DbOrTx } from "@switchboard/db/client";
import type { Connector } from "@switchboard/db/repos/connectors";
import { claimIncidentNotification } from "@switchboard/db/repos/health";
import {
  claimNotificationDelivery,
  createNotifications,
  dueNotifications,
  markNotificationFailed,
  markNotificationSent,
  type Notification,
  type NotificationInput,
} from "@switchboard/db/repos/notifications";
import { contactsForConnector, getTeam, listTeamMembers } from "@switchboard/db/repos/teams";
import { WebhookRefused } from "@switchboard/domain/webhooks";
import { notificationDeliveries } from "@switchboard/telemetry/metrics";
import type { WorkerServices } from "./services";

export type IncidentFacts = {
  incidentId: string;
  connector: { id: string; name: string };
  cluster: { name: string; environment: string };
  team: { id: string; name: string };
  /** Observed state, e.g. FAILED or DEGRADED. */
  state: string;
  tasksFailed: number;
  tasksTotal: number;
  trace: string | null;
};

export type IncidentRecipients = {
  /** Team members: one in-app notification each. */
  userIds: string[];
  emails: string[];
  webhooks: string[];
};

/**
 * Who hears of a connector's incident (failure or drift): its team's members in-app, and its email
 * and webhook contacts. Null when the team no longer exists.
 */
export async function incidentRecipients(db: DbOrTx, connector: Pick<Connector, "id" | "teamId">): Promise<{ team: { id: string; name: string }; recipients: IncidentRecipients } | null> {
  const [team, members, contacts] = await Promise.all([getTeam(db, connector.teamId), listTeamMembers(db, connector.teamId), contactsForConnector(db, connector.id)]);
  if (!team) return null;
  const targets = (kind: string) => contacts.filter((c) => c.kind === kind).map((c) => c.target);
  return { team: { id: team.id, name: team.name }, recipients: { userIds: members.map((m) => m.id), emails: targets("email"), webhooks: targets("webhook") } };
}

/** One notification per recipient and channel, recipients deduplicated; the bodies are per channel. */
export function fanOut(
  common: Pick<NotificationInput, "incidentId" | "teamId" | "subject">,
  recipients: IncidentRecipients,
  bodies: { inapp: string; email: string; webhook: string },
): NotificationInput[] {
  const unique = (xs: string[]) => [...new Set(xs.map((x) => x.trim()).filter(Boolean))];
  return [
    ...unique(recipients.userIds).map((userId): NotificationInput => ({ ...common, channel: "inapp", recipient: userId, userId, body: bodies.inapp })),
    ...unique(recipients.emails).map((to): NotificationInput => ({ ...common, channel: "email", recipient: to, body: bodies.email })),
    ...unique(recipients.webhooks).map((hook): NotificationInput => ({ ...common, channel: "webhook", recipient: hook, body: bodies.webhook })),
  ];
}

/** Stores an incident's notifications once: the claim and the rows together, so a crash in between neither loses nor doubles them. */
export function notifyIncidentOnce(db: Db, incidentId: string, inputs: NotificationInput[], now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await claimIncidentNotification(tx, incidentId, now))) return false;
    await createNotifications(tx, inputs, now);
    return true;
  });
}

/** The first non-empty line of a stack trace: the exception and its message. */
export function firstTraceLine(trace: string | null | undefined): string | null {
  return trace?.split("\n").find((l) => l.trim() !== "")?.trim() ?? null;
}

/** Link to the connector's page in the web app. */
export function connectorUrl(publicUrl: string, connectorId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/connectors/${encodeURIComponent(connectorId)}`;
}

/**
 * The notifications for one incident: in-app for each team member, one email per address, one
 * webhook per URL (Slack-compatible `{ text, blocks }` JSON in `body`). Recipients are deduplicated.
 */
export function incidentNotifications(facts: IncidentFacts, recipients: IncidentRecipients, publicUrl: string): NotificationInput[] {
  const { connector, cluster, team, state } = facts;
  const url = connectorUrl(publicUrl, connector.id);
  const error = firstTraceLine(facts.trace);
  const tasks = facts.tasksTotal > 0 ? `${facts.tasksFailed} of ${facts.tasksTotal} task(s) failed` : "no tasks running";
  const subject = `${connector.name} is ${state} on ${cluster.name}`;
  const lines = [
    `Connector ${connector.name} on cluster ${cluster.name} (${cluster.environment}) is ${state}: ${tasks}.`,
    `Owning team: ${team.name}`,
    ...(error ? [`Error: ${error}`] : []),
    `Open the connector: ${url}`,
    "",
    "Switchboard notifies the owning team once per incident and closes it when the connector recovers.",
  ];
  const webhookBody = JSON.stringify({
    text: `${connector.name} is ${state} on ${cluster.name} (team ${team.name})${error ? `: ${error}` : ""} ${url}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${connector.name} is ${state}` } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Connector*\n${connector.name}` },
          { type: "mrkdwn", text: `*Cluster*\n${cluster.name} (${cluster.environment})` },
          { type: "mrkdwn", text: `*Team*\n${team.name}` },
          { type: "mrkdwn", text: `*State*\n${state}: ${tasks}` },
        ],
      },
      ...(error ? [{ type: "section", text: { type: "mrkdwn", text: `\`\`\`${error}\`\`\`` } }] : []),
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open connector" }, url }] },
    ],
  });
  return fanOut({ incidentId: facts.incidentId, teamId: team.id, subject }, recipients, {
    inapp: [`${tasks}.`, ...(error ? [error] : [])].join("\n"),
    email: lines.join("\n"),
    webhook: webhookBody,
  });
}

export type DeliveryResult = { sent: number; failed: number };

/** A delivery taken by one worker is not due for others for this long (then it counts as lost). */
const DELIVERY_LEASE_MS = 120_000;

/**
 * Sends the email and webhook notifications that are due. Each gets a few quick in-process retries
 * (a blip should not cost a backoff period); a notification that still fails is recorded as failed
 * with its error and retried later with backoff (`markNotificationFailed`) until its attempts run out.
 */
export async function deliverDueNotifications(
  db: DbOrTx,
  services: Pick<WorkerServices, "sendEmail" | "postWebhook" | "log">,
  now: Date = new Date(),
  opts: { retryMinTimeoutMs?: number } = {},
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0 };
  const limit = pLimit(4);
  const due = await dueNotifications(db, now, 50);
  await Promise.all(
    due.map((n) =>
      limit(async () => {
        if (!(await claimNotificationDelivery(db, n.id, DELIVERY_LEASE_MS, now))) return;
        try {
          await pRetry(() => deliver(n, services), { retries: 2, minTimeout: opts.retryMinTimeoutMs ?? 250, maxTimeout: 2_000 });
          await markNotificationSent(db, n.id);
          notificationDeliveries.inc({ channel: n.channel, outcome: "sent" });
          result.sent++;
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const status = await markNotificationFailed(db, n.id, message, now);
          notificationDeliveries.inc({ channel: n.channel, outcome: status === "failed" ? "failed" : "retry" });
          services.log.warn(`notification ${n.id} (${n.channel}) not delivered${status === "failed" ? " (gave up)" : ""}: ${message}`);
          result.failed++;
        }
      }),
    ),
  );
  return result;
}

async function deliver(n: Notification, services: Pick<WorkerServices, "sendEmail" | "postWebhook">): Promise<void> {
  switch (n.channel) {
    case "email":
      return services.sendEmail({ to: n.recipient, subject: `[Switchboard] ${n.subject}`, text: n.body });
    case "webhook":
      return services.postWebhook(n.recipient, n.body).catch((err: unknown) => {
        // A refused target stays refused within this pass: no quick retries, the reason is recorded.
        throw err instanceof WebhookRefused ? new AbortError(err) : err;
      });
    case "inapp":
      throw new AbortError("in-app notifications are delivered on creation");
  }
}
