/**
 * Everything the mini app needs from Zalo, behind one interface. The real implementation wraps zmp-sdk;
 * the emulator one runs in any browser. Which one is bundled is decided at build time (`@zalo-impl` alias).
 * Identity from here is a display hint only: the server verifies the access token itself.
 */
export type ZaloUserInfo = { id: string; name: string; avatar: string; idByOA?: string; followedOA?: boolean };

export type DemoPersona = { key: string; appUserId: string; name: string; avatar: string };

/** What createOrder takes: `item` an array, `extradata` and `method` JSON strings, `mac` made by our server. */
export type CheckoutOrderParams = { amount: number; desc: string; item: Array<Record<string, unknown>>; extradata: string; method: string; mac: string };

export type ZaloAdapter = {
  mode: "zalo" | "emulator";
  /** A Zalo user access token, sent to our server which verifies it at Graph /me. */
  getAccessToken(): Promise<string>;
  getUserInfo(): Promise<ZaloUserInfo>;
  /**
   * Whether the person granted scope.userInfo (getSetting, §2.4): without it Zalo gives the server only their
   * id, no name or avatar (§1.13). null when the Zalo app is too old to say.
   */
  hasUserInfoConsent(): Promise<boolean | null>;
  /** authorize({scopes:["scope.userInfo"]}): Zalo's own consent sheet; false when the person declines. */
  authorizeUserInfo(): Promise<boolean>;
  /** getPhoneNumber().token: single use, 2 minutes; only the server exchanges it. */
  getPhoneToken(): Promise<string>;
  followOA(oaId: string): Promise<void>;
  scanQRCode(): Promise<string>;
  getRouteParams(): Record<string, string>;
  /** Warm start (EventName.OpenApp): the path after /zapps/<appId>, with its query. Returns an unsubscribe. */
  onOpenApp(cb: (path: string) => void): () => void;
  /**
   * Zalo Checkout (zmp-sdk createOrder, zalo-platform.md §8.1): pass exactly the params (and server-made MAC)
   * from POST /api/orders/:id/checkout. Resolves with Checkout's own order id as soon as the payment sheet
   * OPENS, not when it closes: the end comes later as PaymentDone (and an OpenApp at the redirect path), and
   * the result itself reaches our server by callback, so always ask the server.
   */
  createOrder(params: CheckoutOrderParams): Promise<{ orderId: string }>;
  /** EventName.PaymentDone: the shopper finished or cancelled the sheet (§2.9). Returns an unsubscribe. */
  onPaymentDone(cb: (e: { orderId: string; transId?: string }) => void): () => void;
  /** Emulator builds only: pick the demo persona that signs in. */
  demo?: {
    personas(): Promise<DemoPersona[]>;
    current(): string;
    switchTo(key: string): void;
  };
};

/** A failure inside the Zalo layer (user refused, SDK error, emulator down), with Zalo's numeric code. */
export class ZaloError extends Error {
  constructor(
    message: string,
    readonly zaloCode: number | null = null,
  ) {
    super(message);
    this.name = "ZaloError";
  }
}

/** getRouteParams() semantics from zmp-sdk: a flat record from location.search, `+` as space. */
export function parseRouteParams(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(search).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}
