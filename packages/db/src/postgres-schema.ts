/**
 * prisma/schema.prisma is written for SQLite (the embedded default). PostgreSQL uses the same models:
 * its schema is derived from that file, never edited by hand, so the two cannot drift apart.
 */
const SWAPS: [RegExp, string][] = [
  [/provider = "sqlite"/, 'provider = "postgresql"'],
  [/url\s+= "file:[^"]*"/, 'url      = "postgresql://127.0.0.1/switchboard"'],
];

/** The PostgreSQL variant of `sqliteSchema`, its client generated to `output` (relative to the written file). */
export function toPostgresSchema(sqliteSchema: string, output: string): string {
  let schema = sqliteSchema.replace(/output\s+= "[^"]*"/, `output       = "${output}"`);
  for (const [from, to] of SWAPS) {
    if (!from.test(schema)) throw new Error(`prisma/schema.prisma no longer matches ${from}: update postgres-schema.ts`);
    schema = schema.replace(from, to);
  }
  return schema;
}
