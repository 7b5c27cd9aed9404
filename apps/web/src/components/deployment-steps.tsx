import type { RouterOutputs } from "../trpc/types";
import { DataTable, DataTableHead } from "./data-table";

type Progress = RouterOutputs["deployment"]["byId"]["progress"];

const STEP_WORDS: Record<string, string> = {
  pending: "waiting",
  running: "in progress",
  done: "done",
  uncertain: "sent, confirming",
  failed: "failed",
  unchanged: "unchanged",
};

const STEP_STYLES: Record<string, string> = {
  pending: "text-zinc-600 dark:text-zinc-400",
  running: "text-blue-800 dark:text-blue-300",
  done: "text-green-800 dark:text-green-300",
  uncertain: "text-amber-800 dark:text-amber-300",
  failed: "text-red-800 dark:text-red-300 font-semibold",
  unchanged: "text-zinc-600 dark:text-zinc-400",
};

/** Each connector's steps and status while a deployment runs, then whether verification settled it. */
export function DeploymentSteps({ progress, live }: { progress: Progress; live: boolean }) {
  if (progress.connectors.length === 0) return null;
  return (
    <section aria-labelledby="deploy-steps">
      <h3 id="deploy-steps" className="mb-2 text-base font-semibold">
        Connectors
      </h3>
      <DataTable caption="Each connector's steps">
        <DataTableHead>
          <tr>
            <th scope="col">Connector</th>
            <th scope="col">Steps</th>
            <th scope="col">Status</th>
            {progress.verification && <th scope="col">Verification</th>}
          </tr>
        </DataTableHead>
        <tbody>
          {progress.connectors.map((c) => (
            <tr key={c.name} className="align-top">
              <th scope="row" className="font-mono font-normal">
                {c.name}
              </th>
              <td>
                {c.steps.length === 0 ? (
                  <span className="text-zinc-600 dark:text-zinc-400">none</span>
                ) : (
                  <ul>
                    {c.steps.map((s, i) => (
                      <li key={`${s.kind}-${i}`}>
                        {s.kind}: <span className={STEP_STYLES[s.status]}>{STEP_WORDS[s.status]}</span>
                        {s.error && <span className="block text-xs text-zinc-700 dark:text-zinc-300">{s.error}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className={STEP_STYLES[c.status]}>{STEP_WORDS[c.status]}</td>
              {progress.verification && <td>{c.verify === "waiting" ? "waiting" : c.verify === "settled" ? "settled" : "—"}</td>}
            </tr>
          ))}
        </tbody>
      </DataTable>
      {progress.verification && live && (
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" aria-live="polite">
          Verified {progress.verification.ready} of {progress.verification.total}
          {progress.verification.pending.length > 0 && `; waiting for ${progress.verification.pending.join(", ")}`}.
        </p>
      )}
    </section>
  );
}
