import { runtimeConfig } from "@mc/web/runtime-config";

/** Where the API and the emulator are, and the OA: see @mc/web/runtime-config. Secrets never reach the mini app. */
// A Zalo build (build:zalo) has no server injecting config and no emulator: the two values vite.config.ts
// checked and baked in, and this branch is the only one left in its bundle.
export const config =
  import.meta.env.VITE_ZALO_MODE === "zalo"
    ? { apiUrl: import.meta.env.VITE_API_URL!, emulatorUrl: "", oaId: import.meta.env.VITE_ZALO_OA_ID! }
    : runtimeConfig(import.meta.env);
