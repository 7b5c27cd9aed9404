import { describe, expect, it } from "vitest";
import {
  blockedAddressClass,
  parseWebhookAllowlist,
  resolveWebhookTarget,
  WebhookRefused,
  webhookTargetProblem,
  type HostLookup,
  type WebhookAllowlist,
} from "./webhooks";

/** A resolver that knows a few names and nothing else (no network in these tests). */
const fakeDns: HostLookup = async (hostname) => {
  const table: Record<string, string[]> = {
    "hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "split.example.com": ["93.184.216.34", "10.0.0.7"],
    "metadata.example.com": ["169.254.169.254"],
    "internal.example.com": ["10.1.2.3"],
    "v6-loop.example.com": ["::1"],
  };
  const found = table[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

const none: WebhookAllowlist = [];
const problem = (target: string, allowlist: WebhookAllowlist = none) => webhookTargetProblem(target, allowlist, { lookup: fakeDns });

describe("blockedAddressClass", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["10.0.0.1", "private (RFC 1918)"],
    ["172.16.5.4", "private (RFC 1918)"],
    ["172.31.255.255", "private (RFC 1918)"],
    ["192.168.0.1", "private (RFC 1918)"],
    ["fc00::1", "private (unique local, fc00::/7)"],
    ["fd12:3456::1", "private (unique local, fc00::/7)"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["100.64.0.1", "carrier-grade NAT (100.64.0.0/10)"],
    ["100.127.255.254", "carrier-grade NAT (100.64.0.0/10)"],
    ["192.0.2.1", "reserved (reserved)"],
    ["240.0.0.1", "reserved (reserved)"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["64:ff9b::7f00:1", "reserved (rfc6052)"],
    ["2002:7f00:1::", "reserved (6to4)"],
    ["::7f00:1", "reserved (outside 2000::/3)"],
  ])("%s is %s", (address, klass) => {
    expect(blockedAddressClass(address)).toBe(klass);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])("%s is public", (address) => {
    expect(blockedAddressClass(address)).toBeUndefined();
  });
});

describe("webhookTargetProblem", () => {
  it.each([
    ["http://127.0.0.1:18083/connectors/x/restart", /is 127\.0\.0\.1, a loopback address/],
    ["http://169.254.169.254/latest/meta-data", /a link-local address.*metadata/],
    ["http://[::1]/", /is ::1, a loopback address/],
    // Encodings the URL parser normalises: decimal, hex, octal, short forms, IPv4-mapped IPv6.
    ["http://2130706433/", /127\.0\.0\.1, a loopback/],
    ["http://0x7f000001/", /127\.0\.0\.1, a loopback/],
    ["http://0177.0.0.1/", /127\.0\.0\.1, a loopback/],
    ["http://127.1/", /127\.0\.0\.1, a loopback/],
    ["http://0x7f.0.0.1/", /127\.0\.0\.1, a loopback/],
    ["http://2852039166/", /169\.254\.169\.254, a link-local/],
    ["http://[::ffff:127.0.0.1]/", /a loopback address/],
    ["http://[::ffff:7f00:1]/", /a loopback address/],
    ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/", /a link-local address/],
    ["http://0/", /0\.0\.0\.0, an unspecified address/],
    ["https://10.0.0.1/", /private \(RFC 1918\)/],
    ["http://[fd00::1]/", /unique local/],
    ["http://100.64.1.1/", /carrier-grade NAT/],
  ])("refuses %s", async (target, why) => {
    const message = await problem(target);
    expect(message).toMatch(why);
    expect(message).toContain("SWITCHBOARD_WEBHOOK_ALLOWLIST");
  });

  it("refuses a hostname that resolves to loopback (localhost) through the system resolver", async () => {
    expect(await webhookTargetProblem("http://localhost:9/", none)).toMatch(/localhost:9 resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  it("refuses a hostname when any one of its addresses is refused", async () => {
    expect(await problem("https://split.example.com/hook")).toMatch(/resolves to 10\.0\.0\.7, a private/);
    expect(await problem("https://metadata.example.com/")).toMatch(/a link-local address/);
    expect(await problem("https://v6-loop.example.com/")).toMatch(/a loopback address/);
  });

  it("accepts a public host, by name or address", async () => {
    expect(await problem("https://hooks.example.com/services/T0/B0/x")).toBeNull();
    expect(await problem("http://93.184.216.34/x")).toBeNull();
    expect(await problem("http://[2606:2800:220:1:248:1893:25c8:1946]/x")).toBeNull();
  });

  it("does not refuse a name that does not resolve now (the worker checks again before every delivery)", async () => {
    expect(await problem("https://nowhere.example.com/")).toBeNull();
    const hanging: HostLookup = () => new Promise(() => undefined);
    expect(await webhookTargetProblem("https://slow.example.com/", none, { lookup: hanging, timeoutMs: 20 })).toBeNull();
  });

  it("refuses credentials in the URL and other schemes", async () => {
    expect(await problem("https://user:pw@hooks.example.com/")).toMatch(/credentials/);
    expect(await problem("https://user@hooks.example.com/")).toMatch(/credentials/);
    expect(await problem("ftp://hooks.example.com/")).toMatch(/http\(s\)/);
    expect(await problem("file:///etc/passwd")).toMatch(/http\(s\)/);
    expect(await problem("not a url")).toMatch(/http\(s\)/);
  });

  it("never repeats the URL's path or query (they may hold a token)", async () => {
    const message = await problem("http://127.0.0.1:18083/hooks/T0/B0/token-abc?key=token-def");
    expect(message).not.toContain("token-abc");
    expect(message).not.toContain("token-def");
  });
});

describe("the allowlist", () => {
  it("names a host and port: that port only", async () => {
    const allow = parseWebhookAllowlist("127.0.0.1:3999");
    expect(await problem("http://127.0.0.1:3999/hooks", allow)).toBeNull();
    expect(await problem("http://127.0.0.1:4000/hooks", allow)).toMatch(/a loopback address/);
    expect(await problem("http://127.0.0.1/hooks", allow)).toMatch(/a loopback address/);
  });

  it("names a host without a port: every port, also when the URL writes the address another way", async () => {
    const allow = parseWebhookAllowlist("127.0.0.1");
    expect(await problem("http://127.0.0.1:4000/", allow)).toBeNull();
    expect(await problem("http://2130706433:80/", allow)).toBeNull();
    expect(await problem("http://127.0.0.2/", allow)).toMatch(/a loopback address/);
  });

  it("names a default port explicitly", async () => {
    const allow = parseWebhookAllowlist("10.9.9.9:443");
    expect(await problem("https://10.9.9.9/", allow)).toBeNull();
    expect(await problem("http://10.9.9.9/", allow)).toMatch(/a private/);
  });

  it("names a hostname: the name as written, not other names that share its address", async () => {
    const allow = parseWebhookAllowlist("Internal.Example.com");
    expect(await problem("https://internal.example.com/x", allow)).toBeNull();
    expect(await problem("https://internal.example.com./x", allow)).toBeNull();
    expect(await problem("https://metadata.example.com/", allow)).toMatch(/a link-local address/);
  });

  it("names a CIDR: addresses inside it, literal or resolved, IPv4-mapped included", async () => {
    const allow = parseWebhookAllowlist("10.0.0.0/8, fd00::/8");
    expect(await problem("http://10.200.1.1:8080/x", allow)).toBeNull();
    expect(await problem("https://internal.example.com/x", allow)).toBeNull();
    expect(await problem("http://[::ffff:10.1.1.1]/", allow)).toBeNull();
    expect(await problem("http://[fd00::5]/", allow)).toBeNull();
    expect(await problem("http://192.168.1.1/", allow)).toMatch(/a private/);
    expect(await problem("http://[fc00::1]/", allow)).toMatch(/unique local/);
    // A hostname is allowed only when every address it has is.
    expect(await problem("https://split.example.com/", parseWebhookAllowlist("10.0.0.7/32"))).toBeNull();
  });

  it("reads IPv6 hosts with and without brackets and ports", async () => {
    expect(await problem("http://[::1]:8080/", parseWebhookAllowlist("[::1]:8080"))).toBeNull();
    expect(await problem("http://[::1]:8081/", parseWebhookAllowlist("[::1]:8080"))).toMatch(/a loopback address/);
    expect(await problem("http://[::1]:8081/", parseWebhookAllowlist("::1"))).toBeNull();
    expect(await problem("http://[0:0::1]/", parseWebhookAllowlist("[::1]"))).toBeNull();
  });

  it("ignores empty entries and spaces", () => {
    expect(parseWebhookAllowlist(undefined)).toEqual([]);
    expect(parseWebhookAllowlist(" , ")).toEqual([]);
    expect(parseWebhookAllowlist(" 127.0.0.1:3999 ,10.0.0.0/8,").map((e) => e.text)).toEqual(["127.0.0.1:3999", "10.0.0.0/8"]);
  });

  it.each(["10.0.0.0/33", "10.0/8", "http://127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "host:port", "a b", "[::1"])("refuses to read %s", (entry) => {
    expect(() => parseWebhookAllowlist(entry)).toThrow(/SWITCHBOARD_WEBHOOK_ALLOWLIST: cannot read/);
  });
});

describe("resolveWebhookTarget", () => {
  it("returns the checked addresses to connect to", async () => {
    const target = await resolveWebhookTarget("https://hooks.example.com/x", none, fakeDns);
    expect(target.addresses.map((a) => a.address)).toEqual(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]);
    expect(target.port).toBe(443);
    const literal = await resolveWebhookTarget("http://[::1]:8080/x", parseWebhookAllowlist("[::1]:8080"), fakeDns);
    expect(literal.addresses).toEqual([{ address: "::1", family: 6 }]);
  });

  it("throws WebhookRefused for a refused target and passes resolver errors through", async () => {
    await expect(resolveWebhookTarget("http://127.0.0.1/", none, fakeDns)).rejects.toBeInstanceOf(WebhookRefused);
    await expect(resolveWebhookTarget("http://nowhere.example.com/", none, fakeDns)).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});
