import type { Customer, LoginResult } from "@mc/shared";
import { api, setSession } from "../api/client";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError, ClientErrorCode } from "@mc/web/api-client";
import { zalo, ZaloError } from "../zalo";

async function zaloCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ZaloError) throw new ApiError(ClientErrorCode.ZALO, e.message, 0);
    throw e;
  }
}

/** Zalo token → our server (which verifies it at Graph /me) → our JWT. */
export async function signIn(): Promise<LoginResult> {
  const accessToken = await zaloCall(() => zalo.getAccessToken());
  const result = await api.post<LoginResult>("/api/auth/zalo", { accessToken }, { auth: false });
  setSession({ token: result.token });
  return result;
}

setSession({ relogin: async () => (await signIn()).token });

let boot: Promise<LoginResult> | null = null;

/** The app's first sign-in, started before React's first render (app/boot.ts) so it runs while React renders. */
export function startBootSignIn(): Promise<LoginResult> {
  if (!boot) {
    boot = signIn();
    boot.catch(() => {}); // the gate takes it over and shows the failure; never an unhandled rejection
  }
  return boot;
}

/** The boot sign-in for the gate to wait on, once (a retry or persona switch signs in afresh). */
export function takeBootSignIn(): Promise<LoginResult> | null {
  const b = boot;
  boot = null;
  return b;
}

export const fetchMe = () => api.get<{ customer: Customer }>("/api/me").then((r) => r.customer);

/**
 * Shares the phone: the phone token goes with a Zalo access token fetched now (the server exchanges them
 * together). If Zalo says that token has expired (ZALO_TOKEN_INVALID, a 401: the client has signed in again
 * by then), the same phone token goes once more with a new one: the server checks the access token before it
 * spends the phone token.
 */
export async function sharePhone(): Promise<Customer> {
  const phoneToken = await zaloCall(() => zalo.getPhoneToken());
  const send = async () => {
    const accessToken = await zaloCall(() => zalo.getAccessToken());
    return (await api.post<{ customer: Customer }>("/api/me/phone", { phoneToken, accessToken })).customer;
  };
  try {
    return await send();
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== ErrorCode.ZALO_TOKEN_INVALID) throw e;
    return send();
  }
}

export async function followOa(oaId: string): Promise<Customer> {
  await zaloCall(() => zalo.followOA(oaId));
  // The server learns about the follow from Zalo, never from us: the webhook, or (for someone who already
  // followed, who gets none) Graph /me read at a fresh sign-in.
  return (await signIn()).customer;
}
