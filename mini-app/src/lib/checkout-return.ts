/**
 * Zalo's Checkout sheet runs outside the app. `createOrder` resolves as soon as it opens; when the shopper is done,
 * Zalo reopens the app at the payment method's redirect path (home unless the Mini App console sets another:
 * an OpenApp event) and fires PaymentDone. This remembers which order the sheet was opened for, so the reopen
 * brings the shopper back to that order instead of home. Kept in sessionStorage: the webview may be reloaded.
 */
const KEY = "mc.checkout.open";
/** Long enough for a bank app round trip; a stale mark must not hijack a later, unrelated reopen. */
const TTL_MS = 15 * 60_000;
/** The redirect path set in the Mini App console's payment settings (Zalo's default: the app's home). */
export const CHECKOUT_REDIRECT_PATHS = ["/", ""];

export function checkoutOpened(orderId: string) {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify({ orderId, at: Date.now() }));
  } catch {
    /* private mode: the reopen lands on home, the order is still under Đơn hàng */
  }
}

/** The order whose Checkout sheet was opened lately, or null. */
export function openCheckout(): string | null {
  try {
    const v = JSON.parse(window.sessionStorage.getItem(KEY) ?? "null") as { orderId?: string; at?: number } | null;
    if (v?.orderId && typeof v.at === "number" && Date.now() - v.at < TTL_MS) return v.orderId;
  } catch {
    /* unreadable: none */
  }
  return null;
}

export function checkoutReturned() {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    /* nothing kept */
  }
}

/** Where an OpenApp to `path` should land: the order being paid when it is Checkout's redirect, else the path. */
export function openAppTarget(path: string): string {
  const p = path.startsWith("/") ? path : `/${path}`;
  const pending = openCheckout();
  if (!pending) return p;
  const bare = p.split(/[?#]/)[0];
  if (!CHECKOUT_REDIRECT_PATHS.includes(bare) && bare !== `/orders/${pending}`) return p;
  checkoutReturned();
  return `/orders/${encodeURIComponent(pending)}`;
}

/**
 * How long the order page waits before asking the server about a payment again: 3 s, doubling to a minute.
 * The verified callback is what settles it; these checks (each may ask Zalo's getOrderStatus) are the fallback.
 */
export const paymentCheckDelay = (attempt: number) => Math.min(60_000, 3000 * 2 ** Math.max(0, attempt));
