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
/**
 * What a build for Zalo cannot do without: inside Zalo nothing injects `window.__MC_CONFIG__`, so the API's URL
 * and the OA id are baked in at build time. Missing, or pointing at this machine, the app would talk to nothing.
 */
export function zaloBuildEnv(env: Record<string, string | undefined>): { apiUrl: string; oaId: string } {
  const problems: string[] = [];
  const apiUrl = (env.VITE_API_URL ?? "").trim();
  let host = "";
  try {
    host = new URL(apiUrl).hostname;
  } catch {
    /* reported below */
  }
  if (!apiUrl) problems.push("VITE_API_URL is not set: the public https URL of the API (e.g. https://api.shop.vn)");
  else if (!/^https:\/\//.test(apiUrl) || !host) problems.push(`VITE_API_URL must be an https URL, not ${apiUrl}`);
  else if (/^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.)/.test(host) || host.endsWith(".local"))
    problems.push(`VITE_API_URL points at a local address (${host}); Zalo's users cannot reach it`);
  const oaId = (env.VITE_ZALO_OA_ID ?? "").trim();
  if (!/^\d+$/.test(oaId)) problems.push("VITE_ZALO_OA_ID is not set: the Official Account's id (digits), for the follow button");
  if (problems.length) throw new Error(`build:zalo refused:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { apiUrl: apiUrl.replace(/\/+$/, ""), oaId };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, here("."), "VITE_");
  const zaloMode = (process.env.VITE_ZALO_MODE ?? env.VITE_ZALO_MODE ?? "emulator") === "zalo" ? "zalo" : "emulator";
  const zaloEnv = zaloMode === "zalo" ? zaloBuildEnv({ ...env, ...process.env }) : null;
  return {
    root: here("."),
    // zmp-vite-plugin reads ./app-config.json from the cwd; ours lives at the repo root, so pass it in.
    // .gz/.br beside each asset for our static server; Zalo's CDN compresses a deployed app itself.
    plugins: [zaloMiniApp(appConfig as Parameters<typeof zaloMiniApp>[0]), react(), precompress({ enabled: zaloMode !== "zalo" })],
    define: {
      "import.meta.env.VITE_ZALO_MODE": JSON.stringify(zaloMode),
      // A Zalo build reads its two values from here only (src/config.ts): no localhost fallback, no emulator URL.
      ...(zaloEnv ? { "import.meta.env.VITE_API_URL": JSON.stringify(zaloEnv.apiUrl), "import.meta.env.VITE_ZALO_OA_ID": JSON.stringify(zaloEnv.oaId) } : {}),
    },
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
