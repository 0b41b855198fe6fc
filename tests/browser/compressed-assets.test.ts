import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { pickEncoding, serveWww } from "../support/serve-www";
import { launchBrowser } from "../support/browser";

const WWW = resolve(fileURLToPath(import.meta.url), "../../../mini-app/www");
const CONFIG = { apiUrl: "http://127.0.0.1:9", emulatorUrl: "http://127.0.0.1:9" };

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** One request without any decoding (fetch would decode behind our back): the bytes as they went over the wire. */
function raw(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

const decode = (r: Raw) =>
  r.headers["content-encoding"] === "br" ? brotliDecompressSync(r.body) : r.headers["content-encoding"] === "gzip" ? gunzipSync(r.body) : r.body;

describe("Accept-Encoding negotiation", () => {
  it("picks the best encoding the client allows, honouring q-values, * and q=0", () => {
    expect(pickEncoding(undefined)).toBe("identity");
    expect(pickEncoding("")).toBe("identity");
    expect(pickEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(pickEncoding("gzip, deflate")).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip")).toBe("gzip");
    expect(pickEncoding("br;q=0.5, gzip;q=0.8")).toBe("gzip");
    expect(pickEncoding("*")).toBe("br");
    expect(pickEncoding("*;q=0")).toBe("identity");
    expect(pickEncoding("identity")).toBe("identity");
    expect(pickEncoding("BR")).toBe("br");
    expect(pickEncoding("gzip, br", ["gzip"])).toBe("gzip");
  });
});

describe("the static server sends the build's compressed copies like Zalo's CDN (mini app build from global setup)", () => {
  let served: Awaited<ReturnType<typeof serveWww>>;
  let plain: Awaited<ReturnType<typeof serveWww>>;
  const html = readFileSync(resolve(WWW, "index.html"), "utf8");
  const entry = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
  const css = /href="\.\/(assets\/[^"]+\.css)"/.exec(html)![1]!;

  beforeAll(async () => {
    served = await serveWww({ dir: WWW, config: CONFIG });
    plain = await serveWww({ dir: WWW, config: CONFIG, compress: false });
  });
  afterAll(async () => {
    await served.close();
    await plain.close();
  });

  it("answers each Accept-Encoding with that encoding, the right type, Vary and a year's immutable cache; decoded it is the file", async () => {
    const file = readFileSync(resolve(WWW, entry));
    for (const [accept, encoding] of [
      ["gzip, deflate, br, zstd", "br"],
      ["gzip, deflate", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["", undefined],
    ] as const) {
      const r = await raw(`${served.url}/${entry}`, accept ? { "accept-encoding": accept } : {});
      expect(r.status).toBe(200);
      expect(r.headers["content-encoding"], accept).toBe(encoding);
      expect(r.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(r.headers.vary).toBe("Accept-Encoding");
      expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(Number(r.headers["content-length"])).toBe(r.body.length);
      if (encoding) expect(r.body.length).toBeLessThan(file.length / 2);
      expect(decode(r).equals(file), accept).toBe(true);
    }
    const style = await raw(`${served.url}/${css}`, { "accept-encoding": "gzip" });
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(decode(style).equals(readFileSync(resolve(WWW, css)))).toBe(true);
  });

  it("compresses index.html with its runtime config injected, never cached; HEAD sends the headers only", async () => {
    for (const path of ["/", "/index.html", "/some/client/route"]) {
      const r = await raw(`${served.url}${path}`, { "accept-encoding": "br, gzip" });
      expect(r.headers["content-encoding"]).toBe("br");
      expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(r.headers["cache-control"]).toBe("no-store");
      expect(r.headers.vary).toBe("Accept-Encoding");
      const text = decode(r).toString("utf8");
      expect(text).toContain(`window.__MC_CONFIG__=${JSON.stringify(CONFIG)}`);
      expect(text).toContain(entry);
    }
    const head = await raw(`${served.url}/${entry}`, { "accept-encoding": "gzip" }, "HEAD");
    expect(head.headers["content-encoding"]).toBe("gzip");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
    // Images and fonts are compressed already: sent as they are, without Vary.
    const small = await raw(`${served.url}/app-config.json`, { "accept-encoding": "br" });
    expect(small.headers["content-encoding"]).toBeUndefined(); // under 1 KB: no copy was worth writing
    expect(small.headers["cache-control"]).toBe("no-cache");
  });

  it("with compress: false sends every byte as built (the benchmark's baseline)", async () => {
    const r = await raw(`${plain.url}/${entry}`, { "accept-encoding": "gzip, deflate, br" });
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.body.equals(readFileSync(resolve(WWW, entry)))).toBe(true);
    const page = await raw(`${plain.url}/`, { "accept-encoding": "br" });
    expect(page.headers["content-encoding"]).toBeUndefined();
  });

  it("Chromium decodes what it gets: the app's code runs (here to its sign-in error, no Zalo emulator is up)", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const encodings = new Map<string, string | undefined>();
      page.on("response", (res) => encodings.set(new URL(res.url()).pathname, res.headers()["content-encoding"]));
      await page.goto(served.url);
      await page.getByTestId("session-error").waitFor({ timeout: 30_000 });
      expect(encodings.get(`/${entry}`)).toMatch(/^(br|gzip)$/);
      expect(encodings.get(`/${css}`)).toMatch(/^(br|gzip)$/);
      expect(encodings.get("/")).toMatch(/^(br|gzip)$/);
    } finally {
      await browser.close();
    }
  });

  it("has a .br and .gz copy of every compressible asset worth one", () => {
    const assets = readdirSync(resolve(WWW, "assets"));
    for (const f of assets.filter((f) => /\.(js|css)$/.test(f))) {
      const size = readFileSync(resolve(WWW, "assets", f)).length;
      if (size >= 1024) expect(assets, f).toEqual(expect.arrayContaining([`${f}.br`, `${f}.gz`]));
    }
  });
});
