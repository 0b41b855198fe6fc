import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MINI_APP = resolve(fileURLToPath(import.meta.url), "../../../mini-app");
const API_URL = "https://api.shop.example.vn";
const OA_ID = "3886000000000000001";

/** `pnpm --filter @mc/mini-app build:zalo` as a deploy runs it (type-check, then vite), into `outDir`. */
function buildZalo(env: Record<string, string>, outDir: string) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITE_")));
  return spawnSync("pnpm", ["run", "build:zalo", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: MINI_APP,
    // Vitest sets NODE_ENV=test, which would make vite emit a development bundle.
    env: { ...clean, NODE_ENV: "production", ...env },
    encoding: "utf8",
    timeout: 400_000,
  });
}

describe("build:zalo refuses to build what would talk to nothing", () => {
  it.each([
    ["no API URL", { VITE_ZALO_OA_ID: OA_ID }, /VITE_API_URL is not set/],
    ["no OA id", { VITE_API_URL: API_URL }, /VITE_ZALO_OA_ID is not set/],
    ["a localhost API", { VITE_API_URL: "http://localhost:3000", VITE_ZALO_OA_ID: OA_ID }, /VITE_API_URL must be an https URL/],
    ["a LAN API", { VITE_API_URL: "https://192.168.1.20", VITE_ZALO_OA_ID: OA_ID }, /points at a local address/],
  ])("%s", (_name, env, message) => {
    const out = mkdtempSync(join(tmpdir(), "zalo-refused-"));
    try {
      // The vite step alone (the type-check passes or fails the same whatever the env).
      const r = spawnSync(process.execPath, [resolve(MINI_APP, "node_modules/vite/bin/vite.js"), "build", "--outDir", out, "--logLevel", "warn"], {
        cwd: MINI_APP,
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITE_"))),
          NODE_ENV: "production",
          VITE_ZALO_MODE: "zalo",
          ...env,
        },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(message);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("build:zalo output (zmp-sdk adapter, Vite 7 with zmp-vite-plugin 1.1.6)", () => {
  let out = "";
  let files: string[] = [];
  const read = (f: string) => readFileSync(join(out, f), "utf8");

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "zalo-build-"));
    const r = buildZalo({ VITE_API_URL: API_URL, VITE_ZALO_OA_ID: OA_ID }, out);
    if (r.status !== 0) throw new Error(`build:zalo failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    files = readdirSync(join(out, "assets")).map((f) => `assets/${f}`);
  }, 420_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("is what Zalo loads: the generated app-config.json lists the entry and every stylesheet, all relative and present", () => {
    // zmp-vite-plugin's peer range is vite ^4.2 || ^5; these are the plugin's own outputs, checked under our Vite.
    const cfg = JSON.parse(read("app-config.json")) as {
      app: { title: string };
      listSyncJS: string[];
      listAsyncJS: string[];
      listCSS: string[];
      pages: unknown[];
    };
    expect(cfg.app.title).toBe("Master Channel");
    expect(cfg.pages).toEqual([]);
    expect(cfg.listSyncJS).toHaveLength(1);
    for (const f of [...cfg.listSyncJS, ...cfg.listAsyncJS, ...cfg.listCSS]) {
      expect(f, f).toMatch(/^assets\//);
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // Every stylesheet is listed (Zalo injects listCSS itself), and JS chunks carry the plugin's names.
    expect(new Set(cfg.listCSS)).toEqual(new Set(files.filter((f) => f.endsWith(".css"))));
    for (const f of files.filter((f) => f.endsWith(".js"))) expect(f).toMatch(/\.module\.js$/);
    // base "./": Zalo serves the app under /zapps/<miniAppId>/, so no asset may be asked for from the root.
    const html = read("index.html");
    expect(html).toContain(`src="./${cfg.listSyncJS[0]}"`);
    for (const f of [...files, "index.html"]) expect(read(f), f).not.toMatch(/["'(]\/assets\//);
    // Zalo's CDN compresses: no .gz/.br copies.
    expect(files.filter((f) => /\.(gz|br)$/.test(f))).toEqual([]);
  });

  it("talks to the configured API and uses the real zmp-sdk; no localhost, no emulator, no console", () => {
    const js = files.filter((f) => f.endsWith(".js")).map((f) => [f, read(f)] as const);
    expect(js.some(([, t]) => t.includes(API_URL))).toBe(true);
    expect(js.some(([, t]) => t.includes(OA_ID))).toBe(true);
    expect(js.some(([, t]) => t.includes("ZJSBridge") || t.includes("h5.zdn.vn"))).toBe(true);
    for (const [f, t] of js) {
      // Our defaults (API :3000, emulator :7070) and the emulator adapter's calls and payment sheet.
      expect(t, f).not.toMatch(/localhost:\d|127\.0\.0\.1|\/_emu\/|emu-pay-|__MC_CONFIG__/);
      // The console's root element and shell class, and its chart library.
      expect(t, f).not.toMatch(/console-root|mc-console|[".]uplot\b/);
    }
    expect(readdirSync(out).filter((f) => f.endsWith(".html"))).toEqual(["index.html"]);
  });
});
