/**
 * An id for one user action (an order, a claim, a play, a points adjustment), sent with it so that a retried
 * or double-tapped request counts once. `crypto.randomUUID` needs a secure context (https, localhost); a
 * page opened over plain http on the shop's network falls back to `getRandomValues`, which works anywhere.
 */
export function newRequestId(prefix = "r"): string {
  const c = globalThis.crypto;
  const id = c.randomUUID ? c.randomUUID() : [...c.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${id}`.slice(0, 64);
}
