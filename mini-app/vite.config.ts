import { defineConfig, loadEnv } from "vite";
import react from "@vitejs/plugin-react";
import zaloMiniApp from "zmp-vite-plugin";
import { fileURLToPath } from "node:url";
import appConfig from "../app-config.json" with { type: "json" };
import { precompress } from "../web/src/build/precompress";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `VITE_ZALO_MODE` picks the Zalo adapter at build time: `emulator` (default: demo, tests, plain browsers)
 * or `zalo` (a real deploy, `pnpm build:zalo`). The alias means an emulator build holds no zmp-sdk code
 * at all: the SDK calls login() on import and rejects every call outside Zalo (-2000).
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, here("."), "VITE_");
  const zaloMode = (process.env.VITE_ZALO_MODE ?? env.VITE_ZALO_MODE ?? "emulator") === "zalo" ? "zalo" : "emulator";
  return {
    root: here("."),
    // zmp-vite-plugin reads ./app-config.json from the cwd; ours lives at the repo root, so pass it in.
    // .gz/.br beside each asset for our static server; Zalo's CDN compresses a deployed app itself.
    plugins: [zaloMiniApp(appConfig as Parameters<typeof zaloMiniApp>[0]), react(), precompress({ enabled: zaloMode !== "zalo" })],
    define: { "import.meta.env.VITE_ZALO_MODE": JSON.stringify(zaloMode) },
    resolve: {
      alias: {
        "@zalo-impl": here(zaloMode === "zalo" ? "./src/zalo/zmp-adapter.ts" : "./src/zalo/emulator-adapter.ts"),
        // Runtime values from @mc/shared come through its dependency-free subpaths (@mc/shared/errors,
        // /voucher-rules, /counter-rules, /timeline-words, /store-hours): the package index builds zod schemas at import time, which would add
        // zod to the bundle for nothing. Type-only imports of the index are fine.
      },
    },
    build: {
      outDir: "www",
      emptyOutDir: true,
      target: "es2020",
      cssTarget: ["es2020", "safari13.1"],
    },
    server: { port: 5173 },
  };
});
