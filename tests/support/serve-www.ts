import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
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

/** JSON for an inline <script>: `<` escaped so a value can never close the tag. */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/**
 * Serves a built web app (the mini app's `mini-app/www`, the console's `console/dist`) with its runtime config
 * injected into every .html page as `window.__MC_CONFIG__`, so one build works on any port. Unknown paths fall
 * back to index.html (SPA); a path in `redirects` answers 302 to its target (the browser keeps the #fragment).
 */
export async function serveWww(opts: {
  dir: string;
  config: WwwConfig;
  port?: number;
  host?: string;
  redirects?: Record<string, string>;
}): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(opts.dir);
  const rawIndex = await readFile(join(root, "index.html"), "utf8").catch(() => {
    throw new Error(`${root}/index.html not found: build the apps first (pnpm build)`);
  });
  const script = `<script>window.__MC_CONFIG__=${inlineJson(opts.config)};</script>`;
  const inject = (html: string) => (html.includes("<head>") ? html.replace("<head>", `<head>${script}`) : script + html);
  const index = inject(rawIndex);

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
        res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : index);
        return;
      }
      if (extname(file) === ".html") {
        // Every page gets the same runtime config.
        res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : inject(await readFile(file, "utf8")));
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      });
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
