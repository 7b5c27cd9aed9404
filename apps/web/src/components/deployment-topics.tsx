import type { RouterOutputs } from "../trpc/types";
import { DataTable, DataTableHead } from "./data-table";

export type TopicOutcomeRow = RouterOutputs["deployment"]["byId"]["topics"][number];

/** The topics a deployment created, deleted or left alone, with the outcome of each. */
export function DeploymentTopics({ topics }: { topics: TopicOutcomeRow[] }) {
  return (
    <DataTable caption="Each topic's result against the plan">
      <DataTableHead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Action</th>
          <th scope="col">Partitions</th>
          <th scope="col">Replication</th>
          <th scope="col">Outcome</th>
        </tr>
      </DataTableHead>
      <tbody>
        {topics.map((t) => (
          <tr key={`${t.topic}-${t.action}`} className="align-top">
            <th scope="row" className="font-mono font-normal">
              {t.topic}
            </th>
            <td>{t.action}</td>
            <td>{t.partitions ?? "—"}</td>
            <td>{t.replicationFactor ?? "—"}</td>
            <td>{t.ok ? t.outcome : <span className="text-red-800 dark:text-red-300">{t.outcome}</span>}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
