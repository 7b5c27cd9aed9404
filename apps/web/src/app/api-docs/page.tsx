/**
 * The REST API's reference, rendered on the server from the same generated OpenAPI document that
 * /api/v1/openapi.json serves: operations by tag with their parameters, bodies and answers.
 */
import type { Metadata } from "next";
import { API_BASE, openApiDocument } from "@switchboard/api/rest/openapi";

export const metadata: Metadata = { title: "API reference" };

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = {
  operationId: string;
  summary?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};

const METHOD_CLASSES: Record<string, string> = {
  get: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  post: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
};

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "";
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(" | ");
  return String(schema.type ?? "");
}

function SchemaBlock({ schema, label }: { schema: Schema; label: string }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer rounded focus-visible:outline-2 focus-visible:outline-blue-600">{label}</summary>
      <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody?.content["application/json"]?.schema;
  return (
    <article id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 id={`${op.operationId}-title`} className="flex flex-wrap items-center gap-2 font-mono text-sm">
        <span className={`rounded px-1.5 py-0.5 text-xs font-semibold uppercase ${METHOD_CLASSES[method] ?? ""}`}>{method}</span>
        <span>{path}</span>
      </h3>
      {op.summary && <p className="text-sm">{op.summary}</p>}
      {op.parameters && op.parameters.length > 0 && (
        <table className="text-sm">
          <caption className="sr-only">Parameters of {op.operationId}</caption>
          <thead>
            <tr className="text-left text-xs text-zinc-600 dark:text-zinc-400">
              <th scope="col" className="pr-4 font-medium">Parameter</th>
              <th scope="col" className="pr-4 font-medium">In</th>
              <th scope="col" className="pr-4 font-medium">Type</th>
              <th scope="col" className="font-medium">Description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td className="pr-4 font-mono">
                  {p.name}
                  {p.required && <span title="required"> *</span>}
                </td>
                <td className="pr-4">{p.in}</td>
                <td className="pr-4 font-mono text-xs">{typeOf(p.schema)}</td>
                <td>{p.description ?? (p.schema?.description as string | undefined) ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {body && <SchemaBlock schema={body} label="Request body (JSON)" />}
      <ul className="flex flex-col gap-1 text-sm">
        {Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.["application/json"]?.schema;
          return (
            <li key={status}>
              {schema ? <SchemaBlock schema={schema} label={`${status} — ${r.description} (${typeOf(schema) || "object"})`} /> : `${status} — ${r.description}`}
            </li>
          );
        })}
      </ul>
    </article>
  );
}

export default function ApiDocsPage() {
  const doc = openApiDocument() as unknown as { info: { title: string; description: string }; paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-2">
        <h1 className="text-xl font-semibold">{doc.info.title}</h1>
        <p className="text-sm">
          The OpenAPI 3.1 document: <a className="font-mono underline" href={`${API_BASE}/openapi.json`}>{API_BASE}/openapi.json</a>. Tokens: <a className="underline" href="/settings/tokens">Settings → API tokens</a>.
        </p>
        <pre className="whitespace-pre-wrap rounded bg-zinc-50 p-3 text-sm dark:bg-zinc-900">{doc.info.description}</pre>
      </header>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="flex flex-col gap-3">
          <h2 id={`tag-${tag}`} className="text-lg font-semibold">{tag}</h2>
          {ops.map((o) => (
            <OperationView key={`${o.method} ${o.path}`} {...o} />
          ))}
        </section>
      ))}
      {doc.components?.schemas && (
        <section aria-labelledby="schemas-title" className="flex flex-col gap-2">
          <h2 id="schemas-title" className="text-lg font-semibold">Schemas</h2>
          {Object.entries(doc.components.schemas).map(([name, schema]) => (
            <SchemaBlock key={name} schema={schema} label={name} />
          ))}
        </section>
      )}
    </div>
  );
}
