/** What a secret value is replaced with wherever a config is shown. */
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
  /api[._-]?key/,
  /(private|encryption|signing|master)[._-]?key($|[._-])/,
  /sasl\.jaas\.config$/,
  /user\.info$/,
  // PEM private key of a keystore given inline (KIP-651).
  /keystore\.key$/,
];

/**
 * Class-valued keys name a class, not a credential (`aws.credentials.provider.class`); masking them
 * would only hide useful information.
 */
const CLASS_KEY = /\.class$/;

/**
 * A whole value that is one Connect config provider reference: `${provider:key}` or
 * `${provider:path:key}` (Connect's ConfigTransformer syntax). Values that mix references with other
 * text are not treated as references, since the other text may be a secret.
 */
const PROVIDER_REFERENCE = /^\$\{[A-Za-z0-9_.-]+:[^}]*\}$/;

/**
 * Whether a config key holds a secret: by key pattern (password, passwd, secret, token, credential(s),
 * api.key/apikey, private.key, sasl.jaas.config, *.key.password, keystore/truststore passwords,
 * basic.auth.user.info, ...) or because it is listed in `extraSecretKeys` (keys Connect types as
 * PASSWORD). Case-insensitive.
 */
export function isSecretKey(key: string, extraSecretKeys?: Iterable<string>): boolean {
  const lower = key.toLowerCase();
  if (extraSecretKeys) {
    for (const extra of extraSecretKeys) if (extra.toLowerCase() === lower) return true;
  }
  if (CLASS_KEY.test(lower)) return false;
  return SECRET_KEY_PATTERNS.some((pattern) => pattern.test(lower));
}

/**
 * Whether a value is a config provider reference (`${file:/path:key}`, `${env:VAR}`, `${vault:...}`).
 * A reference is not itself a secret: it is shown as-is so reviewers see where the secret comes from.
 */
export function isConfigProviderReference(value: string): boolean {
  return PROVIDER_REFERENCE.test(value.trim());
}

/** Copy of the config with secret values replaced by MASK; provider references are kept. */
export function maskConfig(
  config: Record<string, string>,
  extraSecretKeys?: Iterable<string>,
): Record<string, string> {
  const extras = extraSecretKeys === undefined ? undefined : [...extraSecretKeys];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = isSecretKey(key, extras) && !isConfigProviderReference(value) ? MASK : value;
  }
  return out;
}
