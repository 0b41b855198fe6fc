import { isApiError } from "@mc/shared/errors";

/** Codes the client produces itself, next to the server's `ErrorCode`s. */
export const ClientErrorCode = { NETWORK: "NETWORK", BAD_RESPONSE: "BAD_RESPONSE", ZALO: "ZALO" } as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * Every failed call throws this; screens switch on `code` (a server `ErrorCode` or a `ClientErrorCode`) and
 * show `describeError(code)` (error-messages.ts): `message` is the server's developer text, never for users.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 0,
    /** The server's id for the failed request: support finds it in the logs. */
    readonly requestId?: string,
    /** The server's `details` (validation issues, when/where/by whom for VOUCHER_ALREADY_REDEEMED…). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type RequestOptions = {
  body?: unknown;
  /** false: send no token and never call `onUnauthorized` (sign-in calls). */
  auth?: boolean;
  signal?: AbortSignal;
};

export type ApiClientOptions = {
  baseUrl: string;
  /** The bearer token to send, if any. */
  token: () => string | null;
  /**
   * A 401 on an authenticated call: resolve to a fresh token to retry the call once with it (the mini app signs
   * in again with Zalo), or to null to give up and throw the 401 (the console sends the user to sign-in).
   * Parallel 401s share one call.
   */
  onUnauthorized?: () => Promise<string | null>;
};

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: a proxy's error page */
  }
  if (isApiError(body)) return new ApiError(body.code, body.message, res.status, body.requestId, body.details);
  return new ApiError(ClientErrorCode.BAD_RESPONSE, `HTTP ${res.status}`, res.status);
}

export function createApiClient(o: ApiClientOptions) {
  let refreshing: Promise<string | null> | null = null;
  const refresh = () =>
    (refreshing ??= o.onUnauthorized!().finally(() => {
      refreshing = null;
    }));

  async function send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = {};
    // A Blob (a picked file) goes as its own bytes with its own type; anything else as JSON.
    const raw = typeof Blob !== "undefined" && opts.body instanceof Blob ? opts.body : null;
    if (raw) headers["content-type"] = raw.type || "application/octet-stream";
    else if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(`${o.baseUrl}${path}`, {
        method,
        headers,
        body: raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
        signal: opts.signal,
      });
    } catch (e) {
      if (opts.signal?.aborted || (e as Error)?.name === "AbortError") throw e;
      throw new ApiError(ClientErrorCode.NETWORK, "Cannot reach the server", 0);
    }
  }

  /** A successful response with its body unread (a stream, a file); a failure throws `ApiError`. */
  async function respond(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const authed = opts.auth !== false;
    let res = await send(method, path, opts, authed ? o.token() : null);
    if (res.status === 401 && authed && o.onUnauthorized) {
      const token = await refresh();
      if (token) res = await send(method, path, opts, token);
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  /** A call answered with JSON (or nothing). */
  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await respond(method, path, opts);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new ApiError(ClientErrorCode.BAD_RESPONSE, `Unexpected response (${res.status})`, res.status);
    }
  }

  type NoBody = Omit<RequestOptions, "body">;
  return {
    request,
    respond,
    get: <T>(path: string, opts?: NoBody) => request<T>("GET", path, opts),
    post: <T>(path: string, body?: unknown, opts?: NoBody) => request<T>("POST", path, { ...opts, body: body ?? {} }),
    put: <T>(path: string, body: unknown, opts?: NoBody) => request<T>("PUT", path, { ...opts, body }),
    patch: <T>(path: string, body: unknown, opts?: NoBody) => request<T>("PATCH", path, { ...opts, body }),
    del: <T>(path: string, opts?: NoBody) => request<T>("DELETE", path, opts),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
