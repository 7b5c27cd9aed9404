/**
 * The items of a change request as the browser edits them, and the API request each becomes. Pure,
 * so the conversion is unit-tested without a DOM. The request carries no secret key names: the
 * server decides what is secret.
 */

export const ACTIONS = ["create", "update", "delete", "pause", "resume", "stop", "restart"] as const;
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
};

let nextUid = 1;

/** A new item (a create by default) with a fresh uid. */
export function newItemDraft(partial: Partial<ItemDraft> = {}): ItemDraft {
  return { uid: `item-${nextUid++}`, action: "create", connectorId: "", connectorName: "", name: "", teamId: "", config: { "connector.class": "" }, desiredState: "RUNNING", onlyFailed: false, secretKeys: [], ...partial };
}

export type ItemRequest =
  | { action: "create"; name: string; teamId: string; config: Record<string, string>; desiredState: DesiredState }
  | { action: "update"; connectorId: string; name?: string; config: Record<string, string>; desiredState?: DesiredState }
  | { action: "delete" | "pause" | "resume" | "stop"; connectorId: string }
  | { action: "restart"; connectorId: string; onlyFailed: boolean };

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
    default:
      return { action: item.action, connectorId: item.connectorId };
  }
}

