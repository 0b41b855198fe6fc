import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { AddressInfo } from "node:net";

/** What a page reads from `window.__MC_CONFIG__`: the console needs only the API. */
export type WwwConfig = { apiUrl: string; emulatorUrl?: string; oaId?: string };

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

/** Types a browser gains from compressing (the build precompresses these: web/src/build/precompress.ts). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg"]);

export type Encoding = "br" | "gzip" | "identity";
const SUFFIX = { br: ".br", gzip: ".gz" } as const;

/**
 * The best encoding an Accept-Encoding header allows among `available` (best first): q-values honoured, `*` counts,
 * `q=0` refuses. No header means identity only (RFC 9110 §12.5.3 lets a server pick, but a bare client may not decode).
 */
export function pickEncoding(header: string | undefined, available: readonly Exclude<Encoding, "identity">[] = ["br", "gzip"]): Encoding {
  if (!header) return "identity";
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const of = (enc: string) => q.get(enc) ?? q.get("*") ?? 0;
  let best: Encoding = "identity";
  let bestQ = 0;
  for (const enc of available) {
    if (of(enc) > bestQ) {
      best = enc;
      bestQ = of(enc);
    }
  }
  return best;
}

/** JSON for an inline <script>: `<` escaped so a value can never close the tag. */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/**
 * Serves a built web app (the mini app's `mini-app/www`, the console's `console/dist`) with its runtime config
 * injected into every .html page as `window.__MC_CONFIG__`, so one build works on any port. Unknown paths fall
 * back to index.html (SPA); a path in `redirects` answers 302 to its target (the browser keeps the #fragment).
 * Like Zalo's CDN it compresses: text assets go brotli or gzip by the request's Accept-Encoding (with `Vary`).
 */
export async function serveWww(opts: {
  dir: string;
  config: WwwConfig;
  port?: number;
  host?: string;
  redirects?: Record<string, string>;
  /** Send the build's .br/.gz copies by Accept-Encoding (default); false serves every byte as built (a baseline). */
  compress?: boolean;
}): Promise<{ url: string; close(): Promise<void> }> {
  const compress = opts.compress !== false;
  const root = resolve(opts.dir);
  const rawIndex = await readFile(join(root, "index.html"), "utf8").catch(() => {
    throw new Error(`${root}/index.html not found: build the apps first (pnpm build)`);
  });
  const script = `<script>window.__MC_CONFIG__=${inlineJson(opts.config)};</script>`;
  const inject = (html: string) => (html.includes("<head>") ? html.replace("<head>", `<head>${script}`) : script + html);
  const index = compressedHtml(inject(rawIndex));
  const pages = new Map<string, ReturnType<typeof compressedHtml>>();

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const target = opts.redirects?.[pathname];
      if (target) {
        res.writeHead(302, { location: target }).end();
        return;
      }
      const file = normalize(join(root, pathname));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      const info = pathname.endsWith("/") ? null : await stat(file).catch(() => null);
      if (!info?.isFile() || file === join(root, "index.html")) {
        // A missing asset is a 404; any other path is a client-side route.
        if (pathname.startsWith("/assets/")) {
          res.writeHead(404, { "content-type": "text/plain" }).end("not found");
          return;
        }
        sendHtml(req, res, index, compress);
        return;
      }
      if (extname(file) === ".html") {
        // Every page gets the same runtime config.
        if (!pages.has(file)) pages.set(file, compressedHtml(inject(await readFile(file, "utf8"))));
        sendHtml(req, res, pages.get(file)!, compress);
        return;
      }
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      // Hashed names never change content: cache for a year. Anything else is revalidated.
      const headers: Record<string, string | number> = {
        "content-type": type,
        "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      };
      let body: Buffer | null = null;
      if (COMPRESSIBLE.has(extname(file))) {
        headers.vary = "Accept-Encoding";
        // The client's best encoding with a build copy (.br/.gz); a file too small to be worth one goes as it is.
        let available: Exclude<Encoding, "identity">[] = compress ? ["br", "gzip"] : [];
        while (available.length) {
          const enc = pickEncoding(req.headers["accept-encoding"], available);
          if (enc === "identity") break;
          body = await readFile(file + SUFFIX[enc]).catch(() => null);
          if (body) {
            headers["content-encoding"] = enc;
            break;
          }
          available = available.filter((e) => e !== enc);
        }
      }
      body ??= await readFile(file);
      headers["content-length"] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(500).end();
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A page with its config injected, compressed once up front: it is the same for every request. */
function compressedHtml(html: string) {
  const identity = Buffer.from(html);
  return { identity, br: brotliCompressSync(identity), gzip: gzipSync(identity) };
}

function sendHtml(req: IncomingMessage, res: ServerResponse, page: ReturnType<typeof compressedHtml>, compress: boolean) {
  const enc = compress ? pickEncoding(req.headers["accept-encoding"]) : "identity";
  const body = page[enc];
  // no-store: the page carries the runtime config and names the current hashed assets.
  res.writeHead(200, {
    "content-type": TYPES[".html"],
    "cache-control": "no-store",
    vary: "Accept-Encoding",
    "content-length": body.length,
    ...(enc === "identity" ? {} : { "content-encoding": enc }),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
