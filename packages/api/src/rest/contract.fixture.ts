/**
 * Checks answers of the REST handler against the generated OpenAPI document with a JSON Schema
 * 2020-12 validator (OpenAPI 3.1's dialect), and records which operations were seen, so a test can
 * prove that every documented route was exercised.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openApiDocument } from "./openapi";

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

type Json = Record<string, unknown>;

/** Rewrites `#/components/schemas/X` to `#/$defs/X`, so one standalone schema carries what it references. */
function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? v.replace("#/components/schemas/", "#/$defs/") : rebase(v)]),
    );
  }
  return value;
}

export function createContractChecker() {
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as Json & { paths: Record<string, Record<string, Json>>; components?: { schemas?: Json } };
  const defs = rebase(doc.components?.schemas ?? {}) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  const seen = new Set<string>();

  function validatorFor(method: string, path: string, status: number): ValidateFunction {
    const key = `${method} ${path} ${status}`;
    const existing = compiled.get(key);
    if (existing) return existing;
    const op = doc.paths[path]?.[method] as { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> } | undefined;
    if (!op) throw new Error(`The document has no operation ${method.toUpperCase()} ${path}.`);
    const schema = op.responses?.[String(status)]?.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} does not document a ${status} answer.`);
    const validate = ajv.compile({ ...(rebase(schema) as Json), $defs: defs });
    compiled.set(key, validate);
    return validate;
  }

  return {
    doc,
    /** Every documented (method, path, status) whose content is JSON. */
    operations(): string[] {
      return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    },
    seen,
    documents(method: string, path: string): boolean {
      return doc.paths[path]?.[method.toLowerCase()] !== undefined;
    },
    /**
     * Asserts that `body` (a parsed answer of `method path` with `status`) matches the document;
     * `path` is the documented template, e.g. `/api/v1/change-requests/{id}`.
     */
    check(method: string, path: string, status: number, body: unknown): void {
      const validate = validatorFor(method.toLowerCase(), path, status);
      if (!validate(body)) throw new Error(`${method} ${path} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
      if (status < 300) seen.add(`${method.toLowerCase()} ${path}`);
    },
  };
}
