import http from "node:http";
import https from "node:https";

export type HttpInit = { method?: string; headers?: Record<string, string>; body?: string | Buffer };
export type HttpAnswer = { status: number; text: string };
export type Transport = (url: string, init: HttpInit, timeoutMs: number) => Promise<HttpAnswer>;

// Keep-alive agents: the dispatcher makes thousands of calls a minute to the same few hosts, and plain
// node:http costs a fraction of fetch's per-request work (web streams, abort signals).
const agents = { "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }) };

export class TransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    /** The whole request had gone out: Zalo may have acted on it, only its answer is lost. */
    readonly afterWrite = false,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/**
 * One HTTP request; resolves with the status and body text, rejects with a TransportError once anything
 * went on the wire. A request that cannot be built (node refuses the URL or a header value) rejects with
 * node's own error instead: that is a fault on our side, never Zalo being down.
 */
export const nodeTransport: Transport = (url, init, timeoutMs) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = mod.request(
      u,
      {
        method: init.method ?? "GET",
        headers: { ...init.headers, ...(body ? { "content-length": String(body.length) } : {}) },
        agent: agents[u.protocol as "http:" | "https:"],
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => reject(new TransportError(e.message, false, true)));
      },
    );
    let written = false;
    req.on("finish", () => (written = true));
    req.setTimeout(timeoutMs, () => req.destroy(new TransportError("timed out", true, written)));
    req.on("error", (e) => reject(e instanceof TransportError ? e : new TransportError(e.message, false, written)));
    req.end(body);
  });
