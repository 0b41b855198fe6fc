import {
  authorize,
  createOrder,
  events,
  EventName,
  followOA,
  getAccessToken,
  getPhoneNumber,
  getRouteParams,
  getSetting,
  getUserInfo,
  scanQRCode,
} from "zmp-sdk/apis";
import { ZaloError, type ZaloAdapter } from "./adapter";

/** The real thing: only bundled by `build:zalo` (VITE_ZALO_MODE=zalo), where the app runs inside Zalo. */
function wrap<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    const code = typeof (e as { code?: unknown })?.code === "number" ? (e as { code: number }).code : null;
    throw new ZaloError((e as { message?: string })?.message ?? "Zalo error", code);
  });
}

export const zalo: ZaloAdapter = {
  mode: "zalo",
  getAccessToken: () => wrap(getAccessToken()),
  async getUserInfo() {
    const { userInfo } = await wrap(getUserInfo({ autoRequestPermission: true }));
    return { id: userInfo.id, name: userInfo.name, avatar: userInfo.avatar, idByOA: userInfo.idByOA, followedOA: userInfo.followedOA };
  },
  async hasUserInfoConsent() {
    try {
      const { authSetting } = await getSetting();
      return authSetting["scope.userInfo"] === true;
    } catch {
      return null; // -1404: a Zalo app older than getSetting
    }
  },
  async authorizeUserInfo() {
    try {
      const r = await authorize({ scopes: ["scope.userInfo"] });
      return r["scope.userInfo"] === true;
    } catch (e) {
      // -201: the person declined; anything else is Zalo failing, said as such.
      if ((e as { code?: unknown })?.code === -201) return false;
      throw new ZaloError((e as { message?: string })?.message ?? "Zalo error", (e as { code?: number })?.code ?? null);
    }
  },
  async getPhoneToken() {
    const { token } = await wrap(getPhoneNumber());
    // Outside Zalo (or without console permission) there is no token: the server could not exchange anything.
    if (!token) throw new ZaloError("No phone token", -1403);
    return token;
  },
  async followOA(oaId) {
    await wrap(followOA({ id: oaId }));
  },
  async scanQRCode() {
    const { content } = await wrap(scanQRCode());
    return content;
  },
  getRouteParams: () => getRouteParams(),
  async createOrder(params) {
    // Since zmp-sdk 2.45 `mac` is mandatory and `extradata`/`method` must be strings (§8.1): passed through as made.
    const r = await wrap(createOrder(params as unknown as Parameters<typeof createOrder>[0]));
    return { orderId: String((r as { orderId?: unknown }).orderId ?? "") };
  },
  onPaymentDone(cb) {
    // Fires for a finished or cancelled sheet alike (§2.9): the page asks our server, which trusts the callback.
    const handler = (data: { orderId?: unknown; transId?: unknown }) =>
      cb({ orderId: String(data?.orderId ?? ""), transId: data?.transId ? String(data.transId) : undefined });
    events.on(EventName.PaymentDone, handler);
    return () => {
      events.off(EventName.PaymentDone, handler);
    };
  },
  onOpenApp(cb) {
    const handler = (data: { path?: string }) => {
      if (data?.path) cb(data.path);
    };
    events.on(EventName.OpenApp, handler);
    return () => {
      events.off(EventName.OpenApp, handler);
    };
  },
};
