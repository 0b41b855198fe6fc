import { isApiError } from "@mc/shared/errors";
import { config } from "../config";

/** A failed call: the server's `{code, message, requestId, details?}`, or NETWORK / BAD_RESPONSE. */
export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ConsoleError";
  }
}

const TOKEN_KEY = "mc.console.token";
const ADMIN_KEY = "mc.console.admin";

/** Who is signed in (the login's `admin`); a session stored before roles has no role (it was an owner's). */
export type Admin = { id: string; email: string; name?: string; role?: "owner" | "marketer" | "store_manager"; storeIds?: string[] };

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

async function raw(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(`${config.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ConsoleError("NETWORK", "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.");
  }
}

async function fail(res: Response): Promise<never> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (res.status === 401 && session.token()) {
    session.clear();
    onSignedOut();
  }
  if (isApiError(body)) throw new ConsoleError(body.code, body.message, res.status, body.requestId, (body as { details?: unknown }).details);
  throw new ConsoleError("BAD_RESPONSE", `Máy chủ trả lời lỗi HTTP ${res.status}`, res.status);
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await raw(method, path, body);
  if (!res.ok) return fail(res);
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    throw new ConsoleError("BAD_RESPONSE", `Phản hồi không đọc được (HTTP ${res.status})`, res.status);
  }
}

export const api = {
  get: <T>(path: string) => call<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => call<T>("POST", path, body),
  put: <T>(path: string, body: unknown) => call<T>("PUT", path, body),
  del: <T>(path: string) => call<T>("DELETE", path),
};

/** A GET whose body the caller reads as it arrives (the CSV export); a refusal throws like `call`. */
export async function openStream(path: string, signal?: AbortSignal): Promise<Response> {
  const res = await raw("GET", path, undefined, signal);
  return res.ok ? res : fail(res);
}

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
  const res = await raw("GET", path);
  if (!res.ok) return fail(res);
  saveBlob(await res.blob(), filename);
}

/** Readable lines for a VALIDATION_FAILED `details` array (zod issues or ajv-style errors). */
export function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) {
    const problems = (details as { problems?: { param: string; message: string }[] } | undefined)?.problems;
    return Array.isArray(problems) ? problems.map((p) => `${p.param}: ${p.message}`) : [];
  }
  return details.map((d) => {
    const x = d as { instancePath?: string; path?: (string | number)[]; message?: string; params?: { issue?: { path?: (string | number)[] } } };
    const path = x.instancePath ? x.instancePath.replace(/^\//, "").replace(/\//g, ".") : (x.path ?? x.params?.issue?.path ?? []).join(".");
    return path ? `${path}: ${x.message ?? ""}` : String(x.message ?? JSON.stringify(d));
  });
}
