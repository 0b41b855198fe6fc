/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string;
}

interface Window {
  /** Injected by the static server that serves the console (demo, tests), so one build serves any port. */
  __MC_CONFIG__?: { apiUrl?: string };
}
