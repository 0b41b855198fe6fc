import { config } from "../config";
import { parseRouteParams, ZaloError, type DemoPersona, type ZaloAdapter, type ZaloUserInfo } from "./adapter";
import { fmtVnd } from "@mc/web/format";

/**
 * Plain-browser Zalo: signs in through the Zalo emulator's control API as a demo persona. The tokens it
 * returns are real emulator tokens, so the server verifies them exactly as it would a Zalo token.
 */
const STORAGE_KEY = "mc.persona";
const DEFAULT_PERSONA = "shopper";
export const OPEN_APP_EVENT = "mc:open-app";
export const PAYMENT_DONE_EVENT = "mc:payment-done";
/** Where the emulated Checkout reopens the app: Zalo's default redirect path, the app's home (§8.3 settings). */
const CHECKOUT_REDIRECT_PATH = "/";

function initialPersona(): string {
  const fromUrl = parseRouteParams(window.location.search).persona;
  if (fromUrl) {
    safeStore(fromUrl);
    return fromUrl;
  }
  try {
    return window.localStorage.getItem(STORAGE_KEY) || DEFAULT_PERSONA;
  } catch {
    return DEFAULT_PERSONA;
  }
}

function safeStore(key: string) {
  try {
    window.localStorage.setItem(STORAGE_KEY, key);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

let persona = initialPersona();
let userInfo: ZaloUserInfo | null = null;

async function emu<T>(method: "GET" | "POST", path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${config.emulatorUrl}${path}`, { method });
  } catch {
    throw new ZaloError("Zalo emulator is unreachable", -2000);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ZaloError(typeof body.error === "string" ? body.error : `emulator ${res.status}`, res.status === 404 ? -1401 : -2000);
  return body;
}

/**
 * The emulator's stand-in for Zalo's camera scanner: a plain-DOM bottom sheet (the adapter sits outside
 * React) with a text field for the scanned content. Resolves "" when cancelled. Styles: `.mc-scan-*`.
 */
function pasteScanSheet(): Promise<string> {
  return new Promise((done) => {
    const backdrop = document.createElement("div");
    backdrop.className = "mc-scan-backdrop";
    backdrop.dataset.testid = "scan-sheet";
    backdrop.innerHTML = `
      <div class="mc-scan-sheet" role="dialog" aria-modal="true" aria-label="Quét mã QR">
        <h2>Quét mã QR</h2>
        <p>Bản giả lập không có camera: dán nội dung mã QR vào ô bên dưới.</p>
        <textarea rows="3" data-testid="scan-input" placeholder="Nội dung mã QR" autocomplete="off" autocapitalize="off" spellcheck="false"></textarea>
        <div class="mc-scan-actions">
          <button type="button" class="mc-btn outline" data-testid="scan-cancel">Hủy</button>
          <button type="button" class="mc-btn primary" data-testid="scan-submit">Xong</button>
        </div>
      </div>`;
    const input = backdrop.querySelector("textarea")!;
    const finish = (value: string) => {
      backdrop.remove();
      done(value.trim());
    };
    backdrop.querySelector<HTMLButtonElement>('[data-testid="scan-submit"]')!.onclick = () => finish(input.value);
    backdrop.querySelector<HTMLButtonElement>('[data-testid="scan-cancel"]')!.onclick = () => finish("");
    backdrop.onclick = (e) => e.target === backdrop && finish("");
    input.onkeydown = (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        finish(input.value);
      }
    };
    document.body.appendChild(backdrop);
    input.focus();
  });
}

const checkoutMethodId = (method: string) => {
  try {
    return String((JSON.parse(method) as { id?: unknown }).id ?? "");
  } catch {
    return "";
  }
};

type LoginResponse = { accessToken: string; expiresIn: number; userInfo: ZaloUserInfo };

/**
 * The emulator's stand-in for Zalo's payment webview: a plain-DOM sheet that pays (or fails) the Checkout
 * order through the emulator's control API, which sends the signed callback to our server. Cancelling
 * closes it unpaid, like backing out of the real sheet. Styles: `.mc-scan-*` plus `.ord-pay-*`.
 */
function paymentSheet(order: { id: string; amount: number; desc: string; offline: string | null }): Promise<void> {
  return new Promise((done) => {
    const backdrop = document.createElement("div");
    backdrop.className = "mc-scan-backdrop";
    backdrop.dataset.testid = "emu-pay-sheet";
    backdrop.innerHTML = `
      <div class="mc-scan-sheet" role="dialog" aria-modal="true" aria-label="Thanh toán">
        <h2>${order.offline ? "Thanh toán khi nhận hàng" : "Thanh toán qua Zalo"}</h2>
        <p class="ord-pay-desc"></p>
        <p class="ord-pay-amount"></p>
        <p>${
          order.offline
            ? "Bản giả lập: xác nhận trả tiền tại quầy. Cửa hàng nhận thông báo đã ký và báo lại Zalo khi đã thu tiền."
            : "Bản giả lập: chọn kết quả thanh toán. Cửa hàng nhận kết quả qua callback đã ký."
        }</p>
        <div class="mc-scan-actions ord-pay-actions">
          <button type="button" class="mc-btn outline" data-testid="emu-pay-cancel">Hủy</button>
          ${order.offline ? "" : '<button type="button" class="mc-btn outline" data-testid="emu-pay-fail">Thất bại</button>'}
          <button type="button" class="mc-btn primary" data-testid="emu-pay-ok">${order.offline ? "Xác nhận" : "Thanh toán"}</button>
        </div>
      </div>`;
    backdrop.querySelector(".ord-pay-desc")!.textContent = order.desc;
    backdrop.querySelector(".ord-pay-amount")!.textContent = fmtVnd(order.amount);
    const buttons = backdrop.querySelectorAll("button");
    const finish = async (resultCode: 1 | -1 | null) => {
      buttons.forEach((b) => (b.disabled = true));
      try {
        if (resultCode !== null) {
          // COD/bank: Zalo only notifies the shop (§8.3); the shop reports the result later (updateOrderStatus).
          const [path, body] = order.offline ? ["notify", { method: order.offline }] : ["pay", { resultCode }];
          await fetch(`${config.emulatorUrl}/_emu/checkout/${encodeURIComponent(order.id)}/${path}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        }
      } catch {
        /* the callback is lost: the server asks Zalo's get-status when the app polls /payment */
      }
      backdrop.remove();
      done();
    };
    backdrop.querySelector<HTMLButtonElement>('[data-testid="emu-pay-ok"]')!.onclick = () => void finish(1);
    const failBtn = backdrop.querySelector<HTMLButtonElement>('[data-testid="emu-pay-fail"]');
    if (failBtn) failBtn.onclick = () => void finish(-1);
    backdrop.querySelector<HTMLButtonElement>('[data-testid="emu-pay-cancel"]')!.onclick = () => void finish(null);
    document.body.appendChild(backdrop);
  });
}

export const zalo: ZaloAdapter = {
  mode: "emulator",
  async getAccessToken() {
    const r = await emu<LoginResponse>("POST", `/_emu/personas/${encodeURIComponent(persona)}/login`);
    userInfo = r.userInfo;
    return r.accessToken;
  },
  async getUserInfo() {
    if (!userInfo) await this.getAccessToken();
    return userInfo!;
  },
  async hasUserInfoConsent() {
    // The emulator's getUserInfo gives no name before consent, as Zalo's does (§1.13).
    if (!userInfo) await this.getAccessToken();
    return Boolean(userInfo!.name);
  },
  async authorizeUserInfo() {
    // Stand-in for Zalo's consent sheet: tests and the demo grant it (or not) through the emulator.
    const r = await emu<Record<string, boolean>>("POST", `/_emu/personas/${encodeURIComponent(persona)}/authorize`);
    userInfo = null;
    return r["scope.userInfo"] === true;
  },
  async getPhoneToken() {
    const r = await emu<{ token: string }>("POST", `/_emu/personas/${encodeURIComponent(persona)}/phone-token`);
    return r.token;
  },
  async followOA() {
    // Stand-in for the follow dialog: the emulator marks the follow and sends the signed webhook to our server.
    await emu("POST", `/_emu/personas/${encodeURIComponent(persona)}/follow`);
  },
  async scanQRCode() {
    const hook = window.__MC_SCAN__;
    // No camera here: a test hook, else a small in-app sheet to paste what the camera would have read.
    const value = typeof hook === "function" ? await hook() : (hook ?? (await pasteScanSheet()));
    if (!value) throw new ZaloError("Scan cancelled", -2003);
    return value;
  },
  getRouteParams() {
    return parseRouteParams(window.location.search);
  },
  async createOrder(params) {
    // What zmp-sdk does (§8.1): a form post to Checkout's create-v2 with the user's token, `item` URI-encoded JSON.
    const token = await this.getAccessToken();
    const form = new URLSearchParams({
      amount: String(params.amount),
      desc: params.desc,
      item: encodeURIComponent(JSON.stringify(params.item)),
      extradata: params.extradata,
      method: params.method,
      mac: params.mac,
    });
    let body: { err?: number; msg?: string; data?: { id?: string } };
    try {
      const res = await fetch(`${config.emulatorUrl}/payment/api/order/create-v2`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${token}` },
        body: form.toString(),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw new ZaloError("Zalo emulator is unreachable", -2000);
    }
    if (body.err !== 0 || !body.data?.id) throw new ZaloError(body.msg ?? "createOrder failed", body.err ?? -2000);
    const id = body.data.id;
    const offline = checkoutMethodId(params.method);
    // Like the real SDK: resolve once the sheet is open. Its end arrives later, as Zalo plays it: PaymentDone,
    // then the app reopened at the redirect path (OpenApp), whatever page the shopper was on.
    void paymentSheet({ id, amount: params.amount, desc: params.desc, offline: offline === "COD" || offline === "BANK" ? offline : null }).then(() => {
      window.dispatchEvent(new CustomEvent(PAYMENT_DONE_EVENT, { detail: { orderId: id } }));
      window.setTimeout(() => window.dispatchEvent(new CustomEvent(OPEN_APP_EVENT, { detail: { path: CHECKOUT_REDIRECT_PATH } })), 50);
    });
    return { orderId: id };
  },
  onPaymentDone(cb) {
    const handler = (e: Event) => {
      const d = (e as CustomEvent<{ orderId?: string; transId?: string }>).detail;
      if (d?.orderId) cb({ orderId: d.orderId, transId: d.transId });
    };
    window.addEventListener(PAYMENT_DONE_EVENT, handler);
    return () => window.removeEventListener(PAYMENT_DONE_EVENT, handler);
  },
  onOpenApp(cb) {
    // Tests and the demo simulate a warm start with: window.dispatchEvent(new CustomEvent("mc:open-app", {detail:{path}}))
    const handler = (e: Event) => {
      const path = (e as CustomEvent<{ path?: string }>).detail?.path;
      if (path) cb(path);
    };
    window.addEventListener(OPEN_APP_EVENT, handler);
    return () => window.removeEventListener(OPEN_APP_EVENT, handler);
  },
  demo: {
    personas: () => emu<DemoPersona[]>("GET", "/_emu/personas"),
    current: () => persona,
    switchTo(key) {
      persona = key;
      userInfo = null;
      safeStore(key);
    },
  },
};
