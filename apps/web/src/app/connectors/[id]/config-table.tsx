import { hasRedactedCredentials, MASK } from "../../../components/config-fields";
import { DataTable, DataTableHead } from "../../../components/data-table";

/** The connector's stored config, secret values masked and credentials inside values hidden. */
export function ConfigTable({ name, config }: { name: string; config: Record<string, string> }) {
  return (
    <DataTable caption={`Configuration of ${name} (secret values masked)`}>
      <DataTableHead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </DataTableHead>
      <tbody>
        {Object.entries(config).map(([key, value]) => (
          <tr key={key}>
            <th scope="row" className="font-mono text-xs font-normal">
              {key}
            </th>
            <td className="font-mono text-xs break-all">
              {value === MASK ? (
                <span className="text-zinc-500 italic">{MASK}</span>
              ) : (
                <>
                  {value}
                  {hasRedactedCredentials(value) && <span className="ml-2 font-sans whitespace-nowrap text-zinc-600 dark:text-zinc-400">(credentials hidden)</span>}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
