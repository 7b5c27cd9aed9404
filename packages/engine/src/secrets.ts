/**
 * The one place that decides what is secret in a connector config, and how secrets are kept out of
 * everything that is shown, stored in clear or sent: detection (by key, by Connect's PASSWORD type,
 * by credentials inside values), the split into a display-safe config and the secret values, masking
 * for display, and redaction of free text (task traces, validator messages, errors).
 *
 * Pure and free of Node APIs, so the web app can use it in the browser too (to draw password fields);
 * the server's decision is the one that counts.
 */

/** What a secret value (or the credential part of a value) is replaced with wherever it is shown. */
export const MASK = "(sensitive)";

/**
 * Key patterns that hold secrets in Kafka, Connect and common connectors. Matched against the
 * lower-cased key, so prefixed variants (`producer.override.sasl.jaas.config`,
 * `schema.registry.basic.auth.user.info`) are caught too.
 */
const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /pass(word|wd)/,
  /(^|[._-])pwd($|[._-])/,
  /secret/,
  /token/,
  /credential/,
  /authorization/,
  /bearer/,
  /api[._-]?key/,
  /(private|encryption|signing|master|account|hmac|sas|shared[._-]?access)[._-]?key($|[._-])/,
  /sasl\.jaas\.config$/,
  /user\.info$/,
  // PEM private key of a keystore given inline (KIP-651).
  /keystore\.key$/,
];

/**
 * Keys that say where data goes and what runs: an approver must always see them, so they are never
 * secret, whatever a plugin types them as or a key pattern suggests. Credentials written inside such
 * a value (`jdbc:postgresql://app:pw@db/x`) are still redacted, see {@link redactCredentials}.
 */
const ROUTING_KEYS: readonly RegExp[] = [
  /^name$/,
  /^connector\.class$/,
  /^tasks\.max$/,
  /(^|\.)topics?(\.|$)/,
  /^transforms$/,
  /^transforms\.[^.]+\.(type|predicate|negate)$/,
  /^predicates$/,
  /^predicates\.[^.]+\.type$/,
  /(^|\.)converter(\.type)?$/,
  /\.class$/,
  /(^|\.)urls?$/,
  /(^|[._])(hosts?|hostname|port)$/,
  /(^|\.)(tables?|collections?)(\.|$)/,
];

/**
 * A whole value that is one Connect config provider reference: `${provider:key}` or
 * `${provider:path:key}` (Connect's ConfigTransformer syntax). A reference is not itself a secret: it
 * is shown as-is so reviewers see where the secret comes from. Values that mix references with other
 * text are not treated as references, since the other text may be a secret.
 */
const PROVIDER_REFERENCE = /^\$\{[A-Za-z0-9_.-]+:[^}]*\}$/;

export function isConfigProviderReference(value: string): boolean {
  return PROVIDER_REFERENCE.test(value.trim());
}

/** Whether a key is a routing key: never secret (see {@link ROUTING_KEYS}). */
export function isRoutingKey(key: string): boolean {
  const lower = key.toLowerCase();
  return ROUTING_KEYS.some((pattern) => pattern.test(lower));
}

/**
 * Whether a config key holds a secret: by key pattern (password, secret, token, credential(s),
 * api.key, account.key, sasl.jaas.config, basic.auth.user.info, ...) or because it is listed in
 * `extraSecretKeys` (keys Connect types as PASSWORD, keys already stored as secret). Routing keys
 * never are. Case-insensitive.
 */
export function isSecretKey(key: string, extraSecretKeys?: Iterable<string>): boolean {
  if (isRoutingKey(key)) return false;
  const lower = key.toLowerCase();
  if (extraSecretKeys) {
    for (const extra of extraSecretKeys) if (extra.toLowerCase() === lower) return true;
  }
  return SECRET_KEY_PATTERNS.some((pattern) => pattern.test(lower));
}

/**
 * Credentials written inside values. Each pattern's LAST capture group is the credential; what comes
 * before it is kept. Order does not matter: spans are merged by position.
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  // URL user info: scheme://user:password@host (also jdbc:postgresql://...).
  /\/\/[^\s/@:]*:([^\s@]+)@/dg,
  // key=value parameters: ?password=x, ;password=x, AccountKey=x;, SharedAccessKey=x, sig=x, password="x".
  /(?:^|[?&;,\s(])(?:password|passwd|pwd|secret|client_secret|token|access_token|auth_token|api[_-]?key|apikey|accountkey|sharedaccesskey|sharedaccesssignature|sig)\s*=\s*"?([^"&;,\s)]+)/dgi,
  // HTTP headers: Authorization: Bearer x, Authorization=Basic x, X-Api-Key: x.
  /authorization\s*[:=]\s*(?:(?:basic|bearer|token|digest|negotiate)\s+)?([^\s,;|"']+)/dgi,
  /(?:x-)?(?:api[-_]?key|auth[-_]?token|access[-_]?token)\s*:\s*([^\s,;|"']+)/dgi,
  // JSON members: "password": "x", "private_key": "x".
  /"(?:password|passwd|secret|client_secret|token|access_token|private_key|api_key|apikey)"\s*:\s*"([^"]+)"/dgi,
];

type Span = { start: number; end: number };

function credentialSpans(value: string): Span[] {
  const spans: Span[] = [];
  for (const pattern of CREDENTIAL_PATTERNS) {
    pattern.lastIndex = 0;
    for (const m of value.matchAll(pattern)) {
      const index = m.indices?.[m.length - 1];
      const credential = m[m.length - 1];
      if (!index || credential === undefined || credential === MASK || isConfigProviderReference(credential)) continue;
      spans.push({ start: index[0], end: index[1] });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Whether a value carries a credential (URL user info, password parameter, Authorization header, ...). */
export function hasCredentials(value: string): boolean {
  return credentialSpans(value).length > 0;
}

/**
 * The value with every credential inside it replaced by {@link MASK}:
 * `jdbc:postgresql://app:pw@db/x` → `jdbc:postgresql://app:(sensitive)@db/x`. Config provider
 * references are kept.
 */
export function redactCredentials(value: string): string {
  const spans = credentialSpans(value);
  if (spans.length === 0) return value;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += value.slice(at, s.start) + MASK;
    at = s.end;
  }
  return out + value.slice(at);
}

/**
 * The inverse of {@link redactCredentials} for a value sent back from a form: each {@link MASK} in
 * `incoming` takes the credential at the same position in `stored`. Null when they do not line up
 * (then the user has to type the value again).
 */
export function restoreCredentials(incoming: string, stored: string): string | null {
  const parts = incoming.split(MASK);
  if (parts.length === 1) return incoming;
  const spans = credentialSpans(stored);
  if (spans.length !== parts.length - 1) return null;
  return parts.reduce((acc, part, i) => (i === 0 ? part : acc + stored.slice(spans[i - 1]!.start, spans[i - 1]!.end) + part), "");
}

/**
 * The keys of a config whose values must be stored encrypted and never shown in clear: secret keys
 * (patterns, `extraSecretKeys`) that are not provider references, and any key whose value carries
 * credentials.
 */
export function secretKeysOf(config: Record<string, string>, extraSecretKeys?: Iterable<string>): string[] {
  const extras = extraSecretKeys === undefined ? undefined : [...extraSecretKeys];
  return Object.entries(config)
    .filter(([key, value]) => (isSecretKey(key, extras) && !isConfigProviderReference(value)) || hasCredentials(value))
    .map(([key]) => key)
    .sort();
}

/**
 * Splits a config into a display-safe part and the secret values. Secret keys are left out of
 * `config`; a key whose value merely carries credentials stays in `config` with them redacted (so a
 * reviewer sees the host), and its real value goes to `secrets`. `{ ...config, ...secrets }` is the
 * original config.
 */
export function splitSecrets(
  config: Record<string, string>,
  extraSecretKeys?: Iterable<string>,
): { config: Record<string, string>; secrets: Record<string, string> } {
  const extras = extraSecretKeys === undefined ? undefined : [...extraSecretKeys];
  const secretKeys = new Set(secretKeysOf(config, extras));
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!secretKeys.has(key)) {
      plain[key] = value;
      continue;
    }
    secrets[key] = value;
    if (!isSecretKey(key, extras)) plain[key] = redactCredentials(value);
  }
  return { config: plain, secrets };
}

/** How one value is shown: {@link MASK} for a secret key, credentials redacted otherwise. */
export function displayValue(key: string, value: string, extraSecretKeys?: Iterable<string>): string {
  if (isSecretKey(key, extraSecretKeys) && !isConfigProviderReference(value)) return MASK;
  return redactCredentials(value);
}

/** Copy of the config as it may be shown: secret values masked, credentials in values redacted. */
export function maskConfig(config: Record<string, string>, extraSecretKeys?: Iterable<string>): Record<string, string> {
  const extras = extraSecretKeys === undefined ? undefined : [...extraSecretKeys];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) out[key] = displayValue(key, value, extras);
  return out;
}

/** The secret values of a config (what {@link redactText} must hide wherever it shows up). */
export function secretValuesOf(config: Record<string, string>, extraSecretKeys?: Iterable<string>): string[] {
  return secretKeysOf(config, extraSecretKeys).map((key) => config[key] as string);
}

/** Shorter values would mask innocent text everywhere (a secret that short is no secret anyway). */
const MIN_SECRET_LENGTH = 4;

/**
 * Free text (a task trace, a validator message, an error) made safe to show: credentials written
 * inside it redacted, then every known secret value replaced by {@link MASK}, and so is each
 * credential found inside a known value (a trace may quote a URL's password on its own).
 */
export function redactText(text: string, secretValues: Iterable<string> = []): string {
  const fragments = [...secretValues].flatMap((v) => [v, ...credentialSpans(v).map((s) => v.slice(s.start, s.end))]);
  const values = [...new Set(fragments)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return values.reduce((acc, secret) => acc.split(secret).join(MASK), redactCredentials(text));
}

/** A copy of a JSON-like value with {@link redactText} applied to every string in it. */
export function redactDeep<T>(value: T, secretValues: Iterable<string> = []): T {
  const values = [...secretValues];
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactText(v, values);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date) return v;
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

// Names of things that are not secrets although they match a pattern: env var NAMES for
// credentials, lists of secret key names.
const NOT_SECRET_FIELD = /Env$|^secretKeys$|^proposedSecretKeys$|^changedSecretKeys$/;

/**
 * Deep copy of a document (e.g. an audit record) with every string under a secret-looking key
 * masked, webhook contact targets shortened, and credentials inside any other string redacted.
 */
export function maskDocument(value: unknown): unknown {
  if (typeof value === "string") return redactCredentials(value);
  if (Array.isArray(value)) return value.map(maskDocument);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    if (typeof v === "string" && !NOT_SECRET_FIELD.test(key) && isSecretKey(key) && !isConfigProviderReference(v)) out[key] = MASK;
    else if (key === "target" && typeof v === "string" && record.kind === "webhook") out[key] = maskWebhookUrl(v);
    else out[key] = maskDocument(v);
  }
  return out;
}

/** `https://hooks.example.com/services/T0/B0/xyz` → `https://hooks.example.com/…`: enough to recognise, not to use. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    const hasMore = (u.pathname !== "/" && u.pathname !== "") || u.search !== "";
    return `${u.protocol}//${u.host}${hasMore ? "/…" : ""}`;
  } catch {
    return MASK;
  }
}
