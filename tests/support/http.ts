import type { Stack } from "./stack";

/** The API as a test's setup calls it (JSON in and out); anything but a 2xx throws with the server's answer. */
export async function call<T = any>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The emulator's control API (`/_emu/…`): what Zalo's side does in a test. */
export const emu = async <T = any>(stack: Stack, method: string, path: string, body?: unknown): Promise<T> =>
  (await (
    await fetch(`${stack.emulatorUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json()) as T;
