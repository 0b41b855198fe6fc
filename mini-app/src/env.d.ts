/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_ZALO_MODE?: "zalo" | "emulator";
  readonly VITE_API_URL?: string;
  readonly VITE_EMULATOR_URL?: string;
  readonly VITE_ZALO_OA_ID?: string;
}

interface Window {
  /** Test hook for the emulator adapter's scanQRCode(): a value, or a function returning one. */
  __MC_SCAN__?: string | (() => string | Promise<string>);
}
