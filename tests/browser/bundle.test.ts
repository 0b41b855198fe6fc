import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const WWW = resolve(ROOT, "mini-app/www");
const CONSOLE = resolve(ROOT, "console/dist");
/** The mini app's first route (its entry and what that imports statically), gzipped: issue #13's budget. */
const FIRST_ROUTE_BUDGET_KB = 170;

/**
 * The JavaScript a page loads before it can render: the module scripts of its index.html and, transitively,
 * their static imports (a dynamic `import("./x.js")` is a later chunk, not followed).
 */
function firstLoad(dir: string): string[] {
  const html = readFileSync(resolve(dir, "index.html"), "utf8");
  const entries = [...html.matchAll(/<script type="module"[^>]*\ssrc="\.?\/?([^"]+)"/g)].map((m) => resolve(dir, m[1]!));
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{}\s,]*?from\s*)?["'](\.\.?\/[^"']+\.js)["']/g)) walk(resolve(dirname(file), m[1]!));
  };
  for (const e of entries) walk(e);
  return [...seen];
}
/** The build's .gz/.br copies (web/src/build/precompress.ts), each decoding to exactly the file beside it. */
function expectPrecompressed(dir: string) {
  const assets = readdirSync(resolve(dir, "assets"));
  const copies = assets.filter((f) => /\.(gz|br)$/.test(f));
  expect(copies.length).toBeGreaterThan(0);
  for (const c of copies) {
    const original = readFileSync(resolve(dir, "assets", c.replace(/\.(gz|br)$/, "")));
    const packed = readFileSync(resolve(dir, "assets", c));
    expect(packed.length, c).toBeLessThan(original.length);
    expect((c.endsWith(".br") ? brotliDecompressSync(packed) : gunzipSync(packed)).equals(original), c).toBe(true);
  }
  // The entry scripts, the largest, always have both.
  for (const f of firstLoad(dir)) expect(assets, f).toEqual(expect.arrayContaining([`${f.split("/").at(-1)}.br`, `${f.split("/").at(-1)}.gz`]));
}
const gzKb = (files: string[]) => files.reduce((a, f) => a + gzipSync(readFileSync(f)).length, 0) / 1024;

describe("emulator build of the mini app (built by global setup)", () => {
  it("contains no zmp-sdk code: the SDK calls login() on import and fails outside Zalo", () => {
    const assets = readdirSync(resolve(WWW, "assets")).filter((f) => /\.(js|css)$/.test(f));
    expect(assets.length).toBeGreaterThan(0);
    for (const f of assets) {
      const text = readFileSync(resolve(WWW, "assets", f), "utf8");
      expect(text, f).not.toContain("zmp-sdk");
      expect(text, f).not.toContain("h5.zdn.vn");
      expect(text, f).not.toContain("ZJSBridge");
    }
  });

  it("writes the generated app-config.json Zalo loads the app from", () => {
    const file = resolve(WWW, "app-config.json");
    expect(existsSync(file)).toBe(true);
    const cfg = JSON.parse(readFileSync(file, "utf8")) as { app: { title: string }; listSyncJS: string[]; listCSS: string[]; pages: unknown[] };
    expect(cfg.app.title).toBe("Master Channel");
    expect(cfg.listSyncJS.length).toBeGreaterThan(0);
    for (const js of [...cfg.listSyncJS, ...cfg.listCSS]) expect(existsSync(resolve(WWW, js)), js).toBe(true);
    expect(cfg.pages).toEqual([]);
  });

  it("holds nothing of the admin console: no page, no code, no chart library", () => {
    expect(readdirSync(WWW).filter((f) => f.endsWith(".html"))).toEqual(["index.html"]);
    for (const f of readdirSync(resolve(WWW, "assets"))) {
      const text = readFileSync(resolve(WWW, "assets", f), "utf8");
      // the console's root element and shell class, and uPlot's root class in its code ("uplot") and CSS (.uplot)
      expect(text, f).not.toMatch(/console-root|mc-console|[".]uplot\b/);
    }
  });

  it("carries no zod: runtime values come from @mc/shared's dependency-free subpaths (errors, voucher-rules, counter-rules)", () => {
    // zod's classes keep their `_zod` internals and ZodError's name through minification (the console's bundle has both)
    for (const f of readdirSync(resolve(WWW, "assets")).filter((f) => f.endsWith(".js")))
      expect(readFileSync(resolve(WWW, "assets", f), "utf8"), f).not.toMatch(/\b_zod\b|ZodError/);
  });

  it(`keeps the first route within ${FIRST_ROUTE_BUDGET_KB} KB of gzipped JavaScript`, () => {
    const files = firstLoad(WWW);
    const kb = gzKb(files);
    // What goes over the wire: the build's brotli copies (the static server sends them to a browser that takes br).
    const brKb = files.reduce((a, f) => a + readFileSync(`${f}.br`).length, 0) / 1024;
    console.log(
      `mini app first route: ${kb.toFixed(1)} KB gzipped JS (${brKb.toFixed(1)} KB as served, brotli) in ${files.length} file(s) (budget ${FIRST_ROUTE_BUDGET_KB} KB)`,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(kb).toBeLessThanOrEqual(FIRST_ROUTE_BUDGET_KB);
  });

  it("ships gzip and brotli copies of its assets that decode to the same bytes", () => expectPrecompressed(WWW));

  it("lazy-loads every route but home into its own chunk", () => {
    const assets = readdirSync(resolve(WWW, "assets"));
    expect(assets.some((f) => f.startsWith("account-page."))).toBe(true);
    // The staff's customer page is a chunk of its own, not loaded up front.
    expect(assets.filter((f) => /^staff-customer-page\..*\.js$/.test(f))).toHaveLength(1);
    const cfg = JSON.parse(readFileSync(resolve(WWW, "app-config.json"), "utf8")) as { listSyncJS: string[] };
    for (const f of cfg.listSyncJS) expect(f).not.toMatch(/staff-customer/);
  });
});

describe("build of the admin console (built by global setup)", () => {
  it("is a plain React app: no Zalo SDK or Zalo UI", () => {
    for (const f of readdirSync(resolve(CONSOLE, "assets"))) {
      const text = readFileSync(resolve(CONSOLE, "assets", f), "utf8");
      expect(text, f).not.toMatch(/zmp-sdk|ZJSBridge|zaui-/);
    }
  });

  it("ships gzip and brotli copies of its assets that decode to the same bytes", () => expectPrecompressed(CONSOLE));

  it("puts the dashboard and its chart library (uPlot) in a chunk of their own, outside the console's first load", () => {
    const assets = readdirSync(resolve(CONSOLE, "assets"));
    const read = (f: string) => readFileSync(resolve(CONSOLE, "assets", f), "utf8");
    const charts = assets.filter((f) => /[".]uplot\b/.test(read(f)));
    expect(
      charts.some((f) => /^dashboard-.*\.js$/.test(f)),
      charts.join(),
    ).toBe(true);
    for (const f of charts) expect(f).toMatch(/^dashboard-/);
    const first = firstLoad(CONSOLE);
    expect(first.length).toBeGreaterThan(0);
    for (const f of first) expect(f).not.toMatch(/dashboard-/);
    console.log(`console first load: ${gzKb(first).toFixed(1)} KB gzipped JS`);
  });
});
