import { runtimeConfig } from "@mc/web/runtime-config";

/** Where the API and the emulator are, and the OA: see @mc/web/runtime-config. Secrets never reach the mini app. */
export const config = runtimeConfig(import.meta.env);
