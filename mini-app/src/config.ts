/**
 * Runtime config: `window.__MC_CONFIG__` (injected when www/ is served) wins, then build-time env, then
 * local defaults. Only public URLs and ids belong here: secrets never reach the mini app.
 */
export type AppRuntimeConfig = { apiUrl: string; emulatorUrl: string; oaId: string };

const trimSlash = (s: string) => s.replace(/\/+$/, "");

function read(): AppRuntimeConfig {
  const injected = (typeof window !== "undefined" && window.__MC_CONFIG__) || {};
  return {
    apiUrl: trimSlash(injected.apiUrl || import.meta.env.VITE_API_URL || "http://localhost:3000"),
    emulatorUrl: trimSlash(injected.emulatorUrl || import.meta.env.VITE_EMULATOR_URL || "http://localhost:7070"),
    oaId: injected.oaId || import.meta.env.VITE_ZALO_OA_ID || "",
  };
}

export const config: AppRuntimeConfig = read();
