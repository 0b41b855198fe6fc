import { runtimeConfig } from "@mc/web/runtime-config";

/** Where the API is (`window.__MC_CONFIG__` when served, else the build's env): see @mc/web/runtime-config. */
export const config = runtimeConfig(import.meta.env);
