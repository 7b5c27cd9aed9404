import type { ClusterValidation } from "./use-cluster-validation";

/** One line saying what the cluster's validator thinks of the config being edited. */
export function ValidationStatus({ validation, hasClass }: { validation: ClusterValidation; hasClass: boolean }) {
  let text: string;
  let tone = "text-zinc-600 dark:text-zinc-400";
  if (!hasClass) text = "Set connector.class to check the config against the cluster.";
  else if (validation.checking && validation.valid === null && validation.reachable === null) text = "Checking with the cluster…";
  else if (validation.reachable === false) {
    text = `${validation.unreachableMessage ?? "Cluster unreachable"}. You can still save; the change request page checks again.`;
    tone = "text-amber-800 dark:text-amber-300";
  } else if (validation.requestError) {
    text = "The config could not be checked: fix the fields marked above.";
    tone = "text-red-700 dark:text-red-400";
  } else if (validation.valid) {
    text = "✓ The cluster's validator accepts this config.";
    tone = "text-green-800 dark:text-green-300";
  } else if (validation.valid === false) {
    text = Object.keys(validation.errors).length > 0 ? "✕ The cluster's validator reports errors at the keys marked above." : `✕ ${validation.general.join(" ") || "The cluster's validator rejects this config."}`;
    tone = "text-red-700 dark:text-red-400";
  } else text = "Checking with the cluster…";
  return (
    <p aria-live="polite" className={`text-sm ${tone}`}>
      {text}
      {validation.checking && validation.valid !== null && <span className="ml-1 text-xs text-zinc-500">(re-checking…)</span>}
    </p>
  );
}
