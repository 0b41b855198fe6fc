import { isApiError } from "@mc/shared/errors";
import { config } from "../config";

/** Codes the client produces itself, next to the server's `ErrorCode`s. */
export const ClientErrorCode = { NETWORK: "NETWORK", BAD_RESPONSE: "BAD_RESPONSE", ZALO: "ZALO" } as const;

/** Every failed call throws this; screens switch on `code` (a server `ErrorCode` or a `ClientErrorCode`). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 0,
    readonly requestId?: string,
    /** The server's `details` (e.g. when/where/by whom for VOUCHER_ALREADY_REDEEMED). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Session = { token: string | null; relogin: (() => Promise<string>) | null };
const session: Session = { token: null, relogin: null };
let pendingRelogin: Promise<string> | null = null;

/** The JWT from /api/auth/zalo, and how to get a fresh one when it expires (called once per 401). */
export function setSession(next: Partial<Session>) {
  Object.assign(session, next);
}

type Options = { body?: unknown; auth?: boolean; signal?: AbortSignal };

async function send(method: string, path: string, opts: Options): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.auth !== false && session.token) headers.authorization = `Bearer ${session.token}`;
  try {
    return await fetch(`${config.apiUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw new ApiError(ClientErrorCode.NETWORK, "Cannot reach the server", 0);
  }
}

async function relogin(): Promise<string> {
  // Single flight: parallel 401s share one re-login.
  pendingRelogin ??= session.relogin!().finally(() => {
    pendingRelogin = null;
  });
  return pendingRelogin;
}

export async function request<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  let res = await send(method, path, opts);
  if (res.status === 401 && opts.auth !== false && session.relogin) {
    session.token = await relogin();
    res = await send(method, path, opts);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(ClientErrorCode.BAD_RESPONSE, `Unexpected response (${res.status})`, res.status);
  }
  if (!res.ok) {
    if (isApiError(body)) throw new ApiError(body.code, body.message, res.status, body.requestId, body.details);
    throw new ApiError(ClientErrorCode.BAD_RESPONSE, `HTTP ${res.status}`, res.status);
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<Options, "body">) => request<T>("GET", path, opts),
  post: <T>(path: string, body?: unknown, opts?: Omit<Options, "body">) => request<T>("POST", path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body: unknown, opts?: Omit<Options, "body">) => request<T>("PUT", path, { ...opts, body }),
};
