"use client";

import type { DesiredState, ItemDraft } from "./change-item-drafts";
import { ConfigEditor } from "./config-editor";
import { DesiredStateField } from "./desired-state-field";
import { FieldShell, inputClasses } from "./field";
import type { ClusterValidation } from "./use-cluster-validation";
import { ValidationStatus } from "./validation-status";

const selectClasses = `${inputClasses} w-auto`;

type ConnectorDefinitionFieldsProps = {
  item: ItemDraft;
  onChange: (item: ItemDraft) => void;
  validation: ClusterValidation;
  /** The item's secret keys plus the keys the cluster reports as passwords. */
  secretKeys: string[];
};

/** Name (on update), desired state and config of a connector to create or update, with the cluster's validation. */
export function ConnectorDefinitionFields({ item, onChange, validation, secretKeys }: ConnectorDefinitionFieldsProps) {
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        {item.action === "update" && (
          <FieldShell label="Name" description="A new name renames the connector (a delete and create on the cluster).">
            {(control) => <input {...control} value={item.name} onChange={(e) => onChange({ ...item, name: e.target.value })} className={`${inputClasses} font-mono`} />}
          </FieldShell>
        )}
        <DesiredStateField value={item.desiredState} onChange={(desiredState) => onChange({ ...item, desiredState })} className={selectClasses} />
      </div>
      <ConfigEditor
        key={`${item.uid}:${item.connectorId}`}
        label="Config"
        value={item.config}
        onChange={(config) => onChange({ ...item, config, secretKeys })}
        errors={validation.errors}
        secretKeys={secretKeys}
      />
      <ValidationStatus validation={validation} hasClass={(item.config["connector.class"] ?? "").trim() !== ""} />
    </>
  );
}
