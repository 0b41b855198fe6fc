import { createApiClient } from "@mc/web/api-client";
import { config } from "./config";

const TOKEN_KEY = "mc.console.token";
const ADMIN_KEY = "mc.console.admin";

export type Admin = { id: string; email: string; name?: string; role?: string };

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  admin: (): Admin | null => {
    try {
      return JSON.parse(sessionStorage.getItem(ADMIN_KEY) ?? "null") as Admin | null;
    } catch {
      return null;
    }
  },
  set(token: string, admin: Admin) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ADMIN_KEY, JSON.stringify(admin));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ADMIN_KEY);
  },
};

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
