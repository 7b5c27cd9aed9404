"use client";

import { RAW_JSON_ID, TEMPLATES } from "./templates";

/** The templates (and Raw JSON) as radio cards. */
export function TemplatePicker({ groupId, templateId, setTemplateId }: { groupId: string; templateId: string; setTemplateId: (id: string) => void }) {
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-2 text-sm font-medium">Template</legend>
      <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
        {[...TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description })), { id: RAW_JSON_ID, name: "Raw JSON", description: "Any connector: write the config yourself." }].map((t) => (
          <label key={t.id} className={`flex cursor-pointer gap-2 rounded-lg border p-3 text-sm focus-within:outline-2 focus-within:outline-blue-600 ${templateId === t.id ? "border-blue-700 bg-blue-50 dark:border-blue-400 dark:bg-blue-950" : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"}`}>
            <input type="radio" name={`${groupId}-template`} value={t.id} checked={templateId === t.id} onChange={() => setTemplateId(t.id)} className="mt-0.5" />
            <span>
              <span className="block font-medium">{t.name}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{t.description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
