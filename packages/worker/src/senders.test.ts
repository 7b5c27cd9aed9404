import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseWebhookAllowlist, WebhookRefused, type HostLookup } from "@switchboard/domain/webhooks";
import { createWebhookSender } from "./senders";

type Hit = { method: string; path: string; host: string; body: string };

/** A local receiver; `answer` decides the reply (status, headers, body), or `hang` never replies. */
let server: Server;
let port: number;
const hits: Hit[] = [];
let answer: { status: number; headers?: Record<string, string>; body?: string } | "hang" = { status: 200 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ method: req.method ?? "", path: req.url ?? "", host: req.headers.host ?? "", body: Buffer.concat(chunks).toString("utf8") });
      if (answer === "hang") return;
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers }).end(answer.body ?? "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits.length = 0;
  answer = { status: 200 };
});

const allowReceiver = () => parseWebhookAllowlist(`127.0.0.1:${port}`);

describe("createWebhookSender", () => {
  it("posts the JSON body to an allowlisted receiver", async () => {
    await createWebhookSender({ allowlist: allowReceiver() })(`http://127.0.0.1:${port}/hooks/T0/B0/token?x=1`, '{"text":"hi"}');
    expect(hits).toEqual([{ method: "POST", path: "/hooks/T0/B0/token?x=1", host: `127.0.0.1:${port}`, body: '{"text":"hi"}' }]);
  });

  it("refuses a loopback receiver the allowlist does not name, without connecting", async () => {
    const send = createWebhookSender({ allowlist: parseWebhookAllowlist(`127.0.0.1:${port + 1}`) });
    await expect(send(`http://127.0.0.1:${port}/hook`, "{}")).rejects.toBeInstanceOf(WebhookRefused);
    await expect(send(`http://2130706433:${port}/hook`, "{}")).rejects.toThrow(/a loopback address/);
    await expect(send(`http://[::ffff:127.0.0.1]:${port}/hook`, "{}")).rejects.toThrow(/a loopback address/);
    expect(hits).toHaveLength(0);
  });

  it("refuses a name when any address it resolves to is refused", async () => {
    const lookup: HostLookup = async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ];
    const send = createWebhookSender({ allowlist: parseWebhookAllowlist("127.0.0.1/32"), lookup });
    await expect(send(`http://hooks.rebind.test:${port}/hook`, "{}")).rejects.toThrow(/resolves to 169\.254\.169\.254, a link-local address/);
    expect(hits).toHaveLength(0);
  });

  it("connects to exactly the address it checked: the socket does not ask DNS again", async () => {
    // The name exists only in this lookup: a second, unchecked resolution by the socket would fail
    // (no such host); a rebinding resolver answering differently the second time is never asked.
    let calls = 0;
    const lookup: HostLookup = async () => (++calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "169.254.169.254", family: 4 }]);
    const send = createWebhookSender({ allowlist: parseWebhookAllowlist("127.0.0.1/32"), lookup });
    await send(`http://hooks.rebind.test:${port}/hooks/T0`, '{"n":1}');
    expect(calls).toBe(1);
    expect(hits).toEqual([{ method: "POST", path: "/hooks/T0", host: `hooks.rebind.test:${port}`, body: '{"n":1}' }]);
  });

  it("does not follow redirects", async () => {
    answer = { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data" } };
    const send = createWebhookSender({ allowlist: allowReceiver() });
    await expect(send(`http://127.0.0.1:${port}/hook`, "{}")).rejects.toThrow(`webhook 127.0.0.1:${port} answered HTTP 302 (redirects are not followed)`);
    expect(hits).toHaveLength(1);
  });

  it("never reads the answer's body into the error", async () => {
    answer = { status: 500, body: "internal-detail-from-the-receiver" };
    const err = await createWebhookSender({ allowlist: allowReceiver() })(`http://127.0.0.1:${port}/hooks/secret-token`, "{}").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`webhook 127.0.0.1:${port} answered HTTP 500`);
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    answer = "hang";
    const started = Date.now();
    const send = createWebhookSender({ allowlist: allowReceiver(), timeoutMs: 300 });
    await expect(send(`http://127.0.0.1:${port}/hook`, "{}")).rejects.toThrow(`webhook 127.0.0.1:${port} unreachable: no answer within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reports a name that does not resolve as unreachable, not as a crash", async () => {
    const send = createWebhookSender({ allowlist: [], lookup: async () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.test"), { code: "ENOTFOUND" })) });
    await expect(send("https://nowhere.test/hook", "{}")).rejects.toThrow("webhook nowhere.test unreachable: getaddrinfo ENOTFOUND nowhere.test");
  });

  it("refuses credentials in the URL and other schemes", async () => {
    const send = createWebhookSender({ allowlist: allowReceiver() });
    await expect(send(`http://u:p@127.0.0.1:${port}/hook`, "{}")).rejects.toThrow(/credentials/);
    await expect(send(`ftp://127.0.0.1:${port}/hook`, "{}")).rejects.toThrow(/http\(s\)/);
    expect(hits).toHaveLength(0);
  });
});
