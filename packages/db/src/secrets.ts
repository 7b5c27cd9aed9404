/**
 * Encryption at rest for secret connector config values: AES-256-GCM, key from
 * `SWITCHBOARD_SECRET_KEY`, or, when unset, from a key file created once under `<repo>/.data/`.
 * Envelope: `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { defaultDataDir, env } from "./env";

const ALGORITHM = "aes-256-gcm";
const PREFIX = "v1";

/** Turns the configured key material into 32 bytes: hex, base64, or a passphrase through scrypt. */
export function deriveKey(material: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(material)) return Buffer.from(material, "hex");
  const b64 = Buffer.from(material, "base64");
  if (b64.length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(material)) return b64;
  return scryptSync(material, "switchboard-secrets-v1", 32);
}

function keyFromFile(): Buffer {
  const dir = defaultDataDir();
  const file = join(dir, "secret.key");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // `wx` fails if another process created it first; then its key is read below.
    try {
      writeFileSync(file, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return deriveKey(readFileSync(file, "utf8").trim());
}

let cachedKey: Buffer | undefined;
function defaultKey(): Buffer {
  cachedKey ??= env.SWITCHBOARD_SECRET_KEY ? deriveKey(env.SWITCHBOARD_SECRET_KEY) : keyFromFile();
  return cachedKey;
}

/** Encrypts a string; each call uses a fresh random IV. */
export function encrypt(plain: string, key: Buffer = defaultKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [PREFIX, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

/** Decrypts an envelope from `encrypt`; throws when the key is wrong or the envelope was tampered with. */
export function decrypt(envelope: string, key: Buffer = defaultKey()): string {
  const [prefix, iv, tag, data] = envelope.split(":");
  if (prefix !== PREFIX || iv === undefined || tag === undefined || data === undefined) {
    throw new Error("Not a Switchboard secret envelope.");
  }
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}

const secretMap = z.record(z.string(), z.string());

/** Encrypts a map of secret config values; null when there are none. */
export function encryptSecrets(secrets: Record<string, string>, key?: Buffer): string | null {
  if (Object.keys(secrets).length === 0) return null;
  return encrypt(JSON.stringify(secrets), key);
}

/** Decrypts a map from `encryptSecrets`; an empty map for null. */
export function decryptSecrets(envelope: string | null, key?: Buffer): Record<string, string> {
  if (envelope === null) return {};
  return secretMap.parse(JSON.parse(decrypt(envelope, key)));
}
