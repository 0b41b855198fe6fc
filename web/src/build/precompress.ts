import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Text assets worth compressing; images and fonts are compressed already. */
export const COMPRESSIBLE = new Set([".js", ".mjs", ".css", ".html", ".json", ".svg", ".txt", ".map"]);
/** Below this a compressed copy saves less than a packet. */
const MIN_BYTES = 1024;

/**
 * Writes `f.gz` and `f.br` (best levels: it runs once per build) beside every compressible file under `dir`, when
 * smaller than `f`, so a static server can answer `Content-Encoding` without compressing per request (what Zalo's CDN does).
 * Returns the files it compressed.
 */
export function precompressDir(dir: string): string[] {
  const done: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = join(d, name);
      if (statSync(file).isDirectory()) {
        walk(file);
        continue;
      }
      if (!COMPRESSIBLE.has(extname(name))) continue;
      const body = readFileSync(file);
      if (body.length < MIN_BYTES) continue;
      const gz = gzipSync(body, { level: 9 });
      const br = brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      });
      if (gz.length < body.length) writeFileSync(`${file}.gz`, gz);
      if (br.length < body.length) writeFileSync(`${file}.br`, br);
      done.push(file);
    }
  };
  walk(dir);
  return done;
}

/** The part of Vite's plugin shape this uses (@mc/web does not depend on vite). */
type PrecompressPlugin = {
  name: string;
  apply: "build";
  enforce: "post";
  configResolved(config: { root: string; build: { outDir: string } }): void;
  closeBundle: { order: "post"; handler(): void };
};

/** Vite plugin: precompress the build output once everything (including other plugins' files) is written. */
export function precompress(opts: { enabled?: boolean } = {}): PrecompressPlugin {
  let outDir = "";
  return {
    name: "mc-precompress",
    apply: "build",
    enforce: "post",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: "post",
      handler() {
        if (opts.enabled !== false) precompressDir(outDir);
      },
    },
  };
}
