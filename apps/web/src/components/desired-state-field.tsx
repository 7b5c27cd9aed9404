"use client";

import type { DesiredState } from "./change-item-drafts";
import { FieldShell } from "./field";

const STATES: DesiredState[] = ["RUNNING", "PAUSED", "STOPPED"];

/** The "Desired state" select of a connector form. */
export function DesiredStateField({ value, onChange, className }: { value: DesiredState; onChange: (state: DesiredState) => void; className: string }) {
  return (
    <FieldShell label="Desired state">
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value as DesiredState)} className={className}>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
