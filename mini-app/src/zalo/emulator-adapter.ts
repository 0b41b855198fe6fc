import { config } from "../config";
import { parseRouteParams, ZaloError, type DemoPersona, type ZaloAdapter, type ZaloUserInfo } from "./adapter";

/**
 * Plain-browser Zalo: signs in through the Zalo emulator's control API as a demo persona. The tokens it
 * returns are real emulator tokens, so the server verifies them exactly as it would a Zalo token.
 */
const STORAGE_KEY = "mc.persona";
const DEFAULT_PERSONA = "shopper";
export const OPEN_APP_EVENT = "mc:open-app";

function initialPersona(): string {
  const fromUrl = parseRouteParams(window.location.search).persona;
  if (fromUrl) {
    safeStore(fromUrl);
    return fromUrl;
  }
  try {
    return window.localStorage.getItem(STORAGE_KEY) || DEFAULT_PERSONA;
  } catch {
    return DEFAULT_PERSONA;
  }
}

function safeStore(key: string) {
  try {
    window.localStorage.setItem(STORAGE_KEY, key);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

let persona = initialPersona();
let userInfo: ZaloUserInfo | null = null;

async function emu<T>(method: "GET" | "POST", path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${config.emulatorUrl}${path}`, { method });
  } catch {
    throw new ZaloError("Zalo emulator is unreachable", -2000);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ZaloError(typeof body.error === "string" ? body.error : `emulator ${res.status}`, res.status === 404 ? -1401 : -2000);
  return body;
}

type LoginResponse = { accessToken: string; expiresIn: number; userInfo: ZaloUserInfo };

export const zalo: ZaloAdapter = {
  mode: "emulator",
  async getAccessToken() {
    const r = await emu<LoginResponse>("POST", `/_emu/personas/${encodeURIComponent(persona)}/login`);
    userInfo = r.userInfo;
    return r.accessToken;
  },
  async getUserInfo() {
    if (!userInfo) await this.getAccessToken();
    return userInfo!;
  },
  async getPhoneToken() {
    const r = await emu<{ token: string }>("POST", `/_emu/personas/${encodeURIComponent(persona)}/phone-token`);
    return r.token;
  },
  async followOA() {
    // Stand-in for the follow dialog: the emulator marks the follow and sends the signed webhook to our server.
    await emu("POST", `/_emu/personas/${encodeURIComponent(persona)}/follow`);
  },
  async scanQRCode() {
    const hook = window.__MC_SCAN__;
    const value = typeof hook === "function" ? await hook() : (hook ?? window.prompt("Dán nội dung mã QR") ?? "");
    if (!value) throw new ZaloError("Scan cancelled", -2003);
    return value;
  },
  getRouteParams() {
    return parseRouteParams(window.location.search);
  },
  onOpenApp(cb) {
    // Tests and the demo simulate a warm start with: window.dispatchEvent(new CustomEvent("mc:open-app", {detail:{path}}))
    const handler = (e: Event) => {
      const path = (e as CustomEvent<{ path?: string }>).detail?.path;
      if (path) cb(path);
    };
    window.addEventListener(OPEN_APP_EVENT, handler);
    return () => window.removeEventListener(OPEN_APP_EVENT, handler);
  },
  demo: {
    personas: () => emu<DemoPersona[]>("GET", "/_emu/personas"),
    current: () => persona,
    switchTo(key) {
      persona = key;
      userInfo = null;
      safeStore(key);
    },
  },
};
