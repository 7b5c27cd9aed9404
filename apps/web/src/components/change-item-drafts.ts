/**
 * The items of a change request as the browser edits them, and the API request each becomes. Pure,
 * so the conversion is unit-tested without a DOM. The request carries no secret key names: the
 * server decides what is secret.
 */

export const ACTIONS = ["create", "update", "delete", "pause", "resume", "stop", "restart", "create_topic", "delete_topic"] as const;
export type ItemAction = (typeof ACTIONS)[number];
export type DesiredState = "RUNNING" | "PAUSED" | "STOPPED";

/** One item as edited in the browser; `toItemRequest` turns it into the API's shape. */
export type ItemDraft = {
  uid: string;
  action: ItemAction;
  connectorId: string;
  /** The picked connector's current name (for display). */
  connectorName: string;
  /** Name of a new connector, or the new name of an updated one. */
  name: string;
  teamId: string;
  config: Record<string, string>;
  desiredState: DesiredState;
  onlyFailed: boolean;
  /** Keys the server stores as secret for this connector or item: drawn as password fields, never sent. */
  secretKeys: string[];
  /** Topic items: the topic's name, and for a creation its partitions, replication factor (as typed) and topic configs. */
  topicName: string;
  partitions: string;
  replicationFactor: string;
  topicConfig: Record<string, string>;
};

/** Whether the action is about an existing connector the author picks (topic items and creates are not). */
export function picksConnector(action: ItemAction): boolean {
  return action !== "create" && action !== "create_topic" && action !== "delete_topic";
}

let nextUid = 1;

/** A new item (a create by default) with a fresh uid. */
export function newItemDraft(partial: Partial<ItemDraft> = {}): ItemDraft {
  return { uid: `item-${nextUid++}`, action: "create", connectorId: "", connectorName: "", name: "", teamId: "", config: { "connector.class": "" }, desiredState: "RUNNING", onlyFailed: false, secretKeys: [], topicName: "", partitions: "1", replicationFactor: "1", topicConfig: {}, ...partial };
}

export type ItemRequest =
  | { action: "create"; name: string; teamId: string; config: Record<string, string>; desiredState: DesiredState }
  | { action: "update"; connectorId: string; name?: string; config: Record<string, string>; desiredState?: DesiredState }
  | { action: "delete" | "pause" | "resume" | "stop"; connectorId: string }
  | { action: "restart"; connectorId: string; onlyFailed: boolean }
  | { action: "create_topic"; teamId: string; name: string; partitions: number; replicationFactor: number; config?: Record<string, string> }
  | { action: "delete_topic"; teamId: string; name: string };

/**
 * The API request for an item: only what its action takes. The config goes as edited: secrets left
 * as "(sensitive)" and values whose credentials show as "(sensitive)" keep what is stored. An
 * update carries a name only when it renames the connector.
 */
export function toItemRequest(item: ItemDraft): ItemRequest {
  switch (item.action) {
    case "create":
      return { action: "create", name: item.name.trim(), teamId: item.teamId, config: item.config, desiredState: item.desiredState };
    case "update":
      return {
        action: "update",
        connectorId: item.connectorId,
        ...(item.name.trim() !== "" && item.name.trim() !== item.connectorName ? { name: item.name.trim() } : {}),
        config: item.config,
        desiredState: item.desiredState,
      };
    case "restart":
      return { action: "restart", connectorId: item.connectorId, onlyFailed: item.onlyFailed };
    case "create_topic": {
      // Numbers as typed: the server says what is wrong with a blank or fractional one.
      const config = Object.fromEntries(Object.entries(item.topicConfig).filter(([, v]) => v.trim() !== ""));
      return {
        action: "create_topic",
        teamId: item.teamId,
        name: item.topicName.trim(),
        partitions: Number(item.partitions),
        replicationFactor: Number(item.replicationFactor),
        ...(Object.keys(config).length > 0 ? { config } : {}),
      };
    }
    case "delete_topic":
      return { action: "delete_topic", teamId: item.teamId, name: item.topicName.trim() };
    default:
      return { action: item.action, connectorId: item.connectorId };
  }
}

