/**
 * Runtime config: `window.__MC_CONFIG__` (injected by whatever serves the built app, so one build serves any
 * host) wins, then the build-time env, then local defaults. Only public URLs and ids belong here.
 */
export type RuntimeConfig = { apiUrl: string; emulatorUrl: string; oaId: string };

declare global {
  interface Window {
    __MC_CONFIG__?: Partial<RuntimeConfig>;
  }
}

type BuildEnv = { VITE_API_URL?: string; VITE_EMULATOR_URL?: string; VITE_ZALO_OA_ID?: string };

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/** Pass the app's `import.meta.env` (vite replaces it at build time). */
export function runtimeConfig(env: BuildEnv): RuntimeConfig {
  const injected = (typeof window !== "undefined" && window.__MC_CONFIG__) || {};
  return {
    apiUrl: trimSlash(injected.apiUrl || env.VITE_API_URL || "http://localhost:3000"),
    emulatorUrl: trimSlash(injected.emulatorUrl || env.VITE_EMULATOR_URL || "http://localhost:7070"),
    oaId: injected.oaId || env.VITE_ZALO_OA_ID || "",
  };
}
