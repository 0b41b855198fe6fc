import { createApiClient } from "@mc/web/api-client";
import { config } from "./config";

const TOKEN_KEY = "mc.console.token";
const ADMIN_KEY = "mc.console.admin";

/** Who is signed in (the login's `admin`, refreshed by GET /api/admin/me); a session stored before roles has no role (it was an owner's). */
export type Admin = { id: string; email: string; name?: string; role?: "owner" | "marketer" | "store_manager"; storeIds?: string[] };

/**
 * The console's session, in localStorage: it survives a reload and a link opened in another tab. The token is
 * checked with the server on load (GET /api/admin/me) and dropped at its expiry or at the first 401.
 */
export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  admin: (): Admin | null => {
    try {
      return JSON.parse(localStorage.getItem(ADMIN_KEY) ?? "null") as Admin | null;
    } catch {
      return null;
    }
  },
  /** When the token stops working (its `exp`), in ms; null without a readable one. The server decides, this only schedules. */
  expiresAt(): number | null {
    try {
      const payload = JSON.parse(atob(session.token()!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
      return typeof payload.exp === "number" ? payload.exp * 1000 : null;
    } catch {
      return null;
    }
  },
  set(token: string, admin: Admin) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(ADMIN_KEY, JSON.stringify(admin));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(ADMIN_KEY);
  },
};

/** Storage keys other tabs' changes arrive under (a sign-in or sign-out there). */
export const SESSION_KEYS: readonly string[] = [TOKEN_KEY, ADMIN_KEY];

/** Called when the server says the token is no longer good (401): the console returns to sign-in. */
let onSignedOut: () => void = () => {};
export const setSignedOutHandler = (fn: () => void) => {
  onSignedOut = fn;
};

export const api = createApiClient({
  baseUrl: config.apiUrl,
  token: session.token,
  onUnauthorized: async () => {
    if (session.token()) {
      session.clear();
      onSignedOut();
    }
    return null;
  },
});

/** A GET whose body the caller reads as it arrives (the CSV export); a refusal throws like any call. */
export const openStream = (path: string, signal?: AbortSignal) => api.respond("GET", path, { signal });

/** Saves a blob as a file through a temporary link. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fetches a file with the bearer header and saves it (the browser cannot add headers to a plain link). */
export async function download(path: string, filename: string) {
  saveBlob(await (await api.respond("GET", path)).blob(), filename);
}
