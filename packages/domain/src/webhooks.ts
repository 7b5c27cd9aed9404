/**
 * Which webhook targets Switchboard may call. A team's webhook is a URL chosen by any team owner,
 * and the worker POSTs to it from inside the network: without this rule a webhook could make the
 * worker call another team's Kafka Connect REST API (`http://127.0.0.1:18083/connectors/x/restart`)
 * or a cloud metadata endpoint (`http://169.254.169.254/…`). The API checks a target when a contact
 * is added; the worker checks it again right before each delivery (DNS may have changed since) and
 * connects to exactly the addresses it checked.
 *
 * Rule: http(s) only, no credentials in the URL, and every address the host stands for (the
 * literal IP, in whatever form the URL parser normalised it to, or every address a hostname
 * resolves to) must be public unicast, unless the operator's allowlist names the host (optionally
 * with its port) or a CIDR containing the address.
 *
 * The allowlist is an operator setting (`SWITCHBOARD_WEBHOOK_ALLOWLIST`), not a database row: an
 * admin account is a web login, and a stolen or careless one must not be able to open the internal
 * network to every team's webhooks. Whoever deploys Switchboard knows which internal receivers
 * exist, and changing the deployment's environment is a deliberate act outside the app.
 */
import { lookup as dnsLookup } from "node:dns/promises";
// Address classification comes from ipaddr.js (used by Express's proxy-addr, kept up to date with
// the IANA special-purpose registries, incl. IPv4-mapped/NAT64/6to4 IPv6 forms) rather than
// home-made range code: hand-written range checks are where SSRF filters usually break (a missed
// range, an IPv4-mapped IPv6 form, an off-by-one prefix).
import ipaddr from "ipaddr.js";

export const WEBHOOK_ALLOWLIST_VARIABLE = "SWITCHBOARD_WEBHOOK_ALLOWLIST";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One allowlist entry: a host (name or IP, optionally with a port) or a CIDR range. */
export type WebhookAllowEntry = { kind: "host"; host: string; port?: number; text: string } | { kind: "cidr"; range: [Address, number]; text: string };
export type WebhookAllowlist = readonly WebhookAllowEntry[];

/** An address a host resolved to (as `dns.lookup` answers). */
export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Every address of a hostname; injectable for tests. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** A webhook target the rule refuses. Its message says why and how to allow it, never the URL's path. */
export class WebhookRefused extends Error {
  override readonly name = "WebhookRefused";
  readonly code = "WEBHOOK_REFUSED";
}

/** A parsed target: the URL, its hostname without brackets, and its effective port. */
export type WebhookTarget = { url: URL; hostname: string; port: number; ip: Address | undefined };

const SAFE_IPV6 = ipaddr.IPv6.parseCIDR("2000::/3");

const CLASS_NAMES: Record<string, string> = {
  loopback: "loopback",
  linkLocal: "link-local",
  private: "private (RFC 1918)",
  uniqueLocal: "private (unique local, fc00::/7)",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  carrierGradeNat: "carrier-grade NAT (100.64.0.0/10)",
};

/**
 * The class of an address that webhooks may not reach without the allowlist, or undefined for a
 * public unicast address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function blockedAddressClass(address: string | Address): string | undefined {
  const ip = typeof address === "string" ? parseAddress(address) : address;
  if (!ip) return "not an IP address";
  const plain = ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
  const range = plain.range();
  if (range !== "unicast") return CLASS_NAMES[range] ?? `reserved (${range})`;
  // ipaddr.js calls anything outside its special ranges "unicast"; in IPv6 only 2000::/3 is
  // allocated for global unicast (the rest, e.g. the deprecated IPv4-compatible ::a.b.c.d, is reserved).
  if (plain.kind() === "ipv6" && !plain.match(SAFE_IPV6)) return "reserved (outside 2000::/3)";
  return undefined;
}

function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  // Only canonical forms here: the URL parser has already turned 2130706433, 0x7f.1 and the like
  // into dotted quads, and ipaddr.js's own lenient IPv4 parsing must not reinterpret a hostname.
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

function normaliseHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, "");
}

/**
 * Parses `SWITCHBOARD_WEBHOOK_ALLOWLIST`: comma-separated entries, each a host (`127.0.0.1`,
 * `hooks.internal`, `[fd00::5]`), a host and port (`127.0.0.1:3999`, `[::1]:8080`) or a CIDR
 * (`10.0.0.0/8`, `fd00::/8`). A host entry matches the URL's host as written (IP literals
 * normalised, so `127.0.0.1` also matches `http://2130706433/`); a CIDR matches the addresses the
 * host resolves to. Throws on an entry it cannot read, so a typo is seen at startup.
 */
export function parseWebhookAllowlist(text: string | undefined): WebhookAllowlist {
  const entries: WebhookAllowEntry[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    entries.push(parseEntry(entry));
  }
  return entries;
}

function parseEntry(entry: string): WebhookAllowEntry {
  const bad = (why: string) => new Error(`${WEBHOOK_ALLOWLIST_VARIABLE}: cannot read "${entry}" (${why}); use host, host:port or a CIDR such as 10.0.0.0/8, comma-separated.`);
  if (entry.includes("/")) {
    const valid = entry.includes(":") ? ipaddr.IPv6.isValidCIDR(entry) : ipaddr.IPv4.isValidCIDRFourPartDecimal(entry);
    if (!valid) throw bad("not a CIDR");
    const [ip, bits] = ipaddr.parseCIDR(entry);
    return { kind: "cidr", range: [ip, bits], text: entry };
  }
  // A bare IPv6 address has several colons and no port; anything else is host[:port].
  const withBrackets = !entry.startsWith("[") && ipaddr.IPv6.isValid(entry) ? `[${entry}]` : entry;
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(withBrackets);
  if (!match) throw bad("not host or host:port");
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}/`).hostname;
  } catch {
    throw bad("not a valid host");
  }
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) throw bad("port out of range");
  return { kind: "host", host: normaliseHostname(hostname), ...(port === undefined ? {} : { port }), text: entry };
}

let fromEnv: WebhookAllowlist | undefined;

/** The allowlist of this process, read from `SWITCHBOARD_WEBHOOK_ALLOWLIST` once (on first use). */
export function webhookAllowlist(): WebhookAllowlist {
  fromEnv ??= parseWebhookAllowlist(process.env[WEBHOOK_ALLOWLIST_VARIABLE]);
  return fromEnv;
}

/** The http(s) URL of a webhook, without credentials; throws WebhookRefused otherwise. */
export function parseWebhookTarget(target: string | URL): WebhookTarget {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new WebhookRefused("The webhook must be an http(s) URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new WebhookRefused("The webhook must be an http(s) URL.");
  if (url.username !== "" || url.password !== "") {
    throw new WebhookRefused("The webhook URL may not contain credentials (user:password@); put a token in the path or query instead.");
  }
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return { url, hostname, port, ip: parseAddress(hostname) };
}

function hostAllowed(target: WebhookTarget, allowlist: WebhookAllowlist): boolean {
  const host = normaliseHostname(target.url.hostname);
  return allowlist.some((e) => e.kind === "host" && e.host === host && (e.port === undefined || e.port === target.port));
}

function addressAllowed(ip: Address, allowlist: WebhookAllowlist): boolean {
  const forms = ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? [ip, (ip as ipaddr.IPv6).toIPv4Address()] : [ip];
  return allowlist.some((e) => e.kind === "cidr" && forms.some((f) => f.kind() === e.range[0].kind() && f.match(e.range)));
}

function shown(target: WebhookTarget): string {
  return target.url.host;
}

/**
 * Throws WebhookRefused unless every one of `addresses` may be reached for `target`: each is public
 * unicast, or the allowlist names the target's host (and port), or a CIDR containing the address.
 */
export function assertWebhookAddresses(target: WebhookTarget, addresses: readonly ResolvedAddress[], allowlist: WebhookAllowlist): void {
  if (hostAllowed(target, allowlist)) return;
  if (addresses.length === 0) throw new WebhookRefused(`The webhook host ${shown(target)} has no address.`);
  for (const { address } of addresses) {
    const ip = parseAddress(address);
    if (!ip) throw new WebhookRefused(`The webhook host ${shown(target)} resolved to "${address}", which is not an IP address.`);
    const blocked = blockedAddressClass(ip);
    if (blocked === undefined || addressAllowed(ip, allowlist)) continue;
    const where = target.ip ? `is ${ip.toString()}` : `resolves to ${ip.toString()}`;
    const metadata = blocked === "link-local" ? " (where cloud metadata endpoints such as 169.254.169.254 live)" : "";
    throw new WebhookRefused(
      `The webhook host ${shown(target)} ${where}, ${/^[aeiou]/.test(blocked) ? "an" : "a"} ${blocked} address${metadata}. Webhooks may not reach loopback, link-local, private or reserved addresses; ` +
        `an operator can allow this one by adding "${shown(target)}" (or a CIDR containing ${ip.toString()}) to ${WEBHOOK_ALLOWLIST_VARIABLE}.`,
    );
  }
}

/** Every address of `hostname` through the system resolver (as the worker's sockets would see it). */
export const systemLookup: HostLookup = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * The target with the addresses to connect to, all of them checked: a literal IP as written, or
 * every address `lookup` gives for the hostname. Throws WebhookRefused for a refused target;
 * resolver errors (no such host) are thrown as they are.
 */
export async function resolveWebhookTarget(
  target: string | URL,
  allowlist: WebhookAllowlist,
  lookup: HostLookup = systemLookup,
): Promise<WebhookTarget & { addresses: ResolvedAddress[] }> {
  const parsed = parseWebhookTarget(target);
  const addresses: ResolvedAddress[] = parsed.ip ? [{ address: parsed.ip.toString(), family: parsed.ip.kind() === "ipv6" ? 6 : 4 }] : await lookup(parsed.hostname);
  assertWebhookAddresses(parsed, addresses, allowlist);
  return { ...parsed, addresses };
}

/**
 * Why a webhook target may not be added, or null. A hostname that does not resolve now (or not
 * within `timeoutMs`) is not refused here: nothing can be sent to it, and the worker checks every
 * delivery's addresses again before connecting.
 */
export async function webhookTargetProblem(
  target: string,
  allowlist: WebhookAllowlist = webhookAllowlist(),
  opts: { lookup?: HostLookup; timeoutMs?: number } = {},
): Promise<string | null> {
  const lookup = opts.lookup ?? systemLookup;
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const bounded: HostLookup = (hostname) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("lookup timed out")), timeoutMs);
    });
    return Promise.race([lookup(hostname), timeout]).finally(() => clearTimeout(timer));
  };
  try {
    await resolveWebhookTarget(target, allowlist, bounded);
    return null;
  } catch (err) {
    if (err instanceof WebhookRefused) return err.message;
    return null;
  }
}
