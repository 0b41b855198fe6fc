import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = resolve(fileURLToPath(import.meta.url), "../../../mini-app/www");

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

  it("the console's dashboard and its chart library (uPlot) are a chunk of their own: not in the mini app, not in the console's first load", () => {
    const assets = readdirSync(resolve(WWW, "assets"));
    const read = (f: string) => readFileSync(resolve(WWW, "assets", f), "utf8");
    // uPlot's root class, in its code ("uplot") and its stylesheet (.uplot)
    const charts = assets.filter((f) => /[".]uplot\b/.test(read(f)));
    expect(
      charts.some((f) => /^dashboard\..*\.js$/.test(f)),
      charts.join(),
    ).toBe(true);
    for (const f of charts) expect(f).toMatch(/^dashboard[.-]/);
    const cfg = JSON.parse(readFileSync(resolve(WWW, "app-config.json"), "utf8")) as Record<string, unknown>;
    const listed = ["listSyncJS", "listAsyncJS", "listCSS"].flatMap((k) => (Array.isArray(cfg[k]) ? (cfg[k] as string[]) : []));
    for (const f of listed) expect(f).not.toMatch(/dashboard/);
  });

  it("lazy-loads every route but home into its own chunk", () => {
    const assets = readdirSync(resolve(WWW, "assets"));
    expect(assets.some((f) => f.startsWith("account-page."))).toBe(true);
    // The staff's customer page is a chunk of its own, not loaded up front.
    expect(assets.filter((f) => /^staff-customer-page\..*\.js$/.test(f))).toHaveLength(1);
    const cfg = JSON.parse(readFileSync(resolve(WWW, "app-config.json"), "utf8")) as { listSyncJS: string[] };
    for (const f of cfg.listSyncJS) expect(f).not.toMatch(/staff-customer/);
  });

  it("carries zod only in the console: the mini app takes shared/'s labels and rules from its zod-free modules", () => {
    const withZod = readdirSync(resolve(WWW, "assets")).filter(
      (f) => f.endsWith(".js") && readFileSync(resolve(WWW, "assets", f), "utf8").includes("ZodError"),
    );
    expect(withZod.length).toBeGreaterThan(0);
    for (const f of withZod) expect(f).toMatch(/^console[.-]/);
  });
});
