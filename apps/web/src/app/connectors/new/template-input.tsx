"use client";

import { FieldShell, inputClasses } from "../../../components/field";
import type { TemplateField } from "./templates";

/** One field of a template: a select or a text, number or password input, with the validator's errors. */
export function TemplateInput({ field, value, onChange, errors }: { field: TemplateField; value: string; onChange: (v: string) => void; errors: string[] }) {
  const description = [field.description, `Config key: ${field.key}`].filter(Boolean).join(" · ");
  return (
    <FieldShell label={field.label} description={description} error={errors.length > 0 ? errors.join(" ") : null} optional={!field.required}>
      {(control) =>
        field.kind === "select" ? (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)} className={inputClasses}>
            {field.options?.map((o) => (
              <option key={o} value={o}>
                {o === "" ? "(none)" : o}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...control}
            type={field.kind === "password" ? "password" : "text"}
            inputMode={field.kind === "number" ? "numeric" : undefined}
            autoComplete={field.kind === "password" ? "new-password" : "off"}
            spellCheck={false}
            required={field.required}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            className={`${inputClasses} font-mono`}
          />
        )
      }
    </FieldShell>
  );
}
