import { defineConfig, loadEnv, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import zaloMiniApp from "zmp-vite-plugin";
import { fileURLToPath } from "node:url";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import appConfig from "../app-config.json" with { type: "json" };

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `VITE_ZALO_MODE` picks the Zalo adapter at build time: `emulator` (default: demo, tests, plain browsers)
 * or `zalo` (a real deploy, `pnpm build:zalo`). The alias means an emulator build holds no zmp-sdk code
 * at all: the SDK calls login() on import and rejects every call outside Zalo (-2000).
 */
/**
 * The admin web console (console.html) is a second entry of the same build. zmp-vite-plugin lists every
 * entry chunk and every CSS file in app-config.json, which Zalo loads into the mini app: this keeps only
 * the files the mini app's own entry (index.html) reaches, so the console never ships inside the mini app.
 */
function miniAppOnlyInAppConfig(): Plugin {
  let keep = new Set<string>();
  let outDir = "";
  return {
    name: "mc-mini-app-only-app-config",
    apply: "build",
    writeBundle(options, bundle) {
      outDir = options.dir ?? outDir;
      keep = new Set<string>();
      const walk = (file: string) => {
        const chunk = bundle[file];
        if (!chunk || keep.has(file)) return;
        keep.add(file);
        if (chunk.type !== "chunk") return;
        for (const css of chunk.viteMetadata?.importedCss ?? []) keep.add(css);
        for (const dep of chunk.imports) walk(dep);
      };
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type === "chunk" && chunk.isEntry && chunk.name === "index") walk(file);
      }
    },
    closeBundle() {
      const file = join(outDir, "app-config.json");
      if (!outDir || !existsSync(file)) return;
      const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const only = (list: unknown) =>
        Array.isArray(list) ? [...new Set(list)].filter((f) => typeof f !== "string" || !f.startsWith("assets/") || keep.has(f)) : list;
      cfg.listCSS = only(cfg.listCSS);
      cfg.listSyncJS = only(cfg.listSyncJS);
      cfg.listAsyncJS = only(cfg.listAsyncJS);
      writeFileSync(file, JSON.stringify(cfg));
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, here("."), "VITE_");
  const zaloMode = (process.env.VITE_ZALO_MODE ?? env.VITE_ZALO_MODE ?? "emulator") === "zalo" ? "zalo" : "emulator";
  return {
    root: here("."),
    // zmp-vite-plugin reads ./app-config.json from the cwd; ours lives at the repo root, so pass it in.
    plugins: [zaloMiniApp(appConfig as Parameters<typeof zaloMiniApp>[0]), react(), miniAppOnlyInAppConfig()],
    define: { "import.meta.env.VITE_ZALO_MODE": JSON.stringify(zaloMode) },
    resolve: {
      alias: {
        "@zalo-impl": here(zaloMode === "zalo" ? "./src/zalo/zmp-adapter.ts" : "./src/zalo/emulator-adapter.ts"),
        // Runtime values from @mc/shared come from its dependency-free errors module; the package index
        // also builds zod schemas at import time, which would add zod to the bundle for nothing.
        "@mc/shared/errors": here("../shared/src/errors.ts"),
        "@mc/shared/voucher-rules": here("../shared/src/voucher-rules.ts"),
        "@mc/shared/counter-rules": here("../shared/src/counter-rules.ts"),
        "@mc/shared/timeline-words": here("../shared/src/timeline-words.ts"),
        "@mc/shared/store-hours": here("../shared/src/store-hours.ts"),
      },
    },
    build: {
      outDir: "www",
      emptyOutDir: true,
      target: "es2020",
      cssTarget: ["es2020", "safari13.1"],
      // index.html: the mini app (what app-config.json lists); console.html: the shop's admin web console.
      rollupOptions: { input: { index: here("./index.html"), console: here("./console.html") } },
    },
    server: { port: 5173 },
  };
});
