import { z } from "zod";
import { voucherDiscount, type VoucherKind } from "./vouchers";

/**
 * Ordering: menu, cart, checkout, order status. Money is integer VND; the server prices every order
 * from its own menu with these pure functions and never trusts a total sent by the client.
 */

const id = z.string().min(1).max(64);
const vnd = z.number().int().min(0).max(100_000_000);

// ---- menu (admin input) ----

export const MenuCategoryInput = z
  .object({ name: z.string().trim().min(1).max(60), position: z.number().int().min(0).max(10_000).default(0), active: z.boolean().default(true) })
  .strict();
export type MenuCategoryInput = z.infer<typeof MenuCategoryInput>;

export const MenuCategory = z.object({ id: z.string(), name: z.string(), position: z.number(), active: z.boolean() });
export type MenuCategory = z.infer<typeof MenuCategory>;

export const MenuOption = z
  .object({ id, name: z.string().trim().min(1).max(60), priceDeltaVnd: z.number().int().min(-100_000_000).max(100_000_000).default(0) })
  .strict();
export type MenuOption = z.infer<typeof MenuOption>;

/** `one`: pick at most one (exactly one when required), e.g. size. `many`: any number, e.g. toppings. */
export const OptionGroup = z
  .object({
    id,
    name: z.string().trim().min(1).max(60),
    kind: z.enum(["one", "many"]),
    required: z.boolean().default(false),
    /** For `many` groups: how many may be picked (null = no limit). */
    max: z.number().int().min(1).max(50).nullable().default(null),
    options: z.array(MenuOption).min(1).max(50),
  })
  .strict();
export type OptionGroup = z.infer<typeof OptionGroup>;

/** An uploaded image's id: the first 24 hex digits of the SHA-256 of the bytes uploaded (the same picture, the same id). */
export const MenuImageId = z.string().regex(/^[0-9a-f]{24}$/);

export const MenuImage = z.object({ id: z.string(), thumbUrl: z.string(), largeUrl: z.string(), width: z.number(), height: z.number() });
export type MenuImage = z.infer<typeof MenuImage>;

export const ProductInput = z
  .object({
    categoryId: id,
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(400).default(""),
    priceVnd: vnd,
    /** A picture kept elsewhere (the shop's own CDN); for an uploaded one, `imageId`. */
    imageUrl: z.string().url().max(1000).nullable().default(null),
    /** An image the server made from an upload (POST /api/admin/menu/images); the server checks it exists. */
    imageId: MenuImageId.nullable().default(null),
    optionGroups: z.array(OptionGroup).max(20).default([]),
    /** The stores that sell it; staff toggle availability (sold out) per store afterwards. */
    storeIds: z.array(id).max(200).default([]),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.imageId !== null && p.imageUrl !== null)
      ctx.addIssue({
        code: "custom",
        path: ["imageUrl"],
        message: "give an uploaded image or an image URL, not both",
        params: { vi: "chọn ảnh đã tải lên hoặc địa chỉ ảnh, không chọn cả hai" },
      });
    const groupIds = p.optionGroups.map((g) => g.id);
    if (new Set(groupIds).size !== groupIds.length)
      ctx.addIssue({
        code: "custom",
        path: ["optionGroups"],
        message: "option group ids must be unique",
        params: { vi: "mã các nhóm tùy chọn không được trùng nhau" },
      });
    const optionIds = p.optionGroups.flatMap((g) => g.options.map((o) => o.id));
    if (new Set(optionIds).size !== optionIds.length)
      ctx.addIssue({
        code: "custom",
        path: ["optionGroups"],
        message: "option ids must be unique within a product",
        params: { vi: "mã các tùy chọn trong một món không được trùng nhau" },
      });
    p.optionGroups.forEach((g, i) => {
      if (g.kind === "one" && g.max !== null)
        ctx.addIssue({
          code: "custom",
          path: ["optionGroups", i, "max"],
          message: "max applies to `many` groups only",
          params: { vi: "số lựa chọn tối đa chỉ dùng cho nhóm chọn nhiều" },
        });
    });
  });
export type ProductInput = z.infer<typeof ProductInput>;

export const MenuProduct = z.object({
  id: z.string(),
  categoryId: z.string(),
  name: z.string(),
  description: z.string(),
  priceVnd: z.number(),
  /** The large picture (an uploaded image's API path, relative to the API, or the shop's own URL). */
  imageUrl: z.string().nullable(),
  /** The square thumbnail for lists (the same as `imageUrl` for a picture kept elsewhere). */
  thumbUrl: z.string().nullable(),
  imageId: z.string().nullable(),
  optionGroups: z.array(OptionGroup),
});
export type MenuProduct = z.infer<typeof MenuProduct>;

export const AdminProduct = MenuProduct.extend({
  active: z.boolean(),
  position: z.number(),
  stores: z.array(z.object({ storeId: z.string(), available: z.boolean() })),
});
export type AdminProduct = z.infer<typeof AdminProduct>;

export const Menu = z.object({
  storeId: z.string(),
  categories: z.array(MenuCategory.pick({ id: true, name: true, position: true }).extend({ products: z.array(MenuProduct) })),
});
export type Menu = z.infer<typeof Menu>;

/** The whole menu's order, saved at once: every category, each with every one of its products, first to last. */
export const MenuOrderInput = z.object({ categories: z.array(z.object({ id, productIds: z.array(id).max(1000) }).strict()).max(200) }).strict();
export type MenuOrderInput = z.infer<typeof MenuOrderInput>;

export const AvailabilityBody = z.object({ available: z.boolean() }).strict();

// ---- placing an order ----

export const CartItem = z.object({ productId: id, quantity: z.number().int().min(1).max(50), optionIds: z.array(id).max(50).default([]) }).strict();
export type CartItem = z.infer<typeof CartItem>;

export const Pickup = z.discriminatedUnion("type", [
  z.object({ type: z.literal("pickup"), at: z.string().datetime({ offset: true }) }).strict(),
  z.object({ type: z.literal("table"), table: z.string().trim().min(1).max(20) }).strict(),
]);
export type Pickup = z.infer<typeof Pickup>;

export const PaymentMethod = z.enum(["counter", "zalopay"]);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const QuoteBody = z.object({ storeId: id, items: z.array(CartItem).min(1).max(30), voucherId: id.nullish() }).strict();
export type QuoteBody = z.infer<typeof QuoteBody>;

export const PlaceOrderBody = z
  .object({
    storeId: id,
    items: z.array(CartItem).min(1).max(30),
    voucherId: id.nullish(),
    pickup: Pickup,
    payment: PaymentMethod,
    /** What the shopper's screen showed; the server's own total must match it, or nothing is written. */
    expectedTotal: z.number().int().min(0).max(1_000_000_000),
    /** One order per request id: a retried or double-tapped submit places one order. */
    requestId: z.string().min(8).max(64),
  })
  .strict();
export type PlaceOrderBody = z.infer<typeof PlaceOrderBody>;

export const OrderStatus = z.enum(["placed", "confirmed", "ready", "completed", "cancelled"]);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** `refund_due`: cancelled after it was paid, a console task until the refund is marked made (`refunded`). */
export const PaymentStatus = z.enum(["unpaid", "pending", "paid", "failed", "refund_due", "refunded"]);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const OrderLine = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number(),
  unitPriceVnd: z.number(),
  options: z.array(z.object({ id: z.string(), name: z.string(), priceDeltaVnd: z.number() })),
  lineTotalVnd: z.number(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Quote = z.object({
  lines: z.array(OrderLine),
  subtotalVnd: z.number(),
  discountVnd: z.number(),
  totalVnd: z.number(),
});
export type Quote = z.infer<typeof Quote>;

export const Order = Quote.extend({
  id: z.string(),
  code: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  storeId: z.string(),
  status: OrderStatus,
  pickup: Pickup,
  payment: PaymentMethod,
  paymentStatus: PaymentStatus,
  voucherId: z.string().nullable(),
  pointsEarned: z.number(),
  pointsReversed: z.number(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  paidAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type Order = z.infer<typeof Order>;

export const StatusBody = z
  .object({ status: z.enum(["confirmed", "ready", "completed", "cancelled"]), reason: z.string().trim().min(3).max(200).optional() })
  .strict()
  .refine((b) => b.status !== "cancelled" || !!b.reason, { message: "give a reason to cancel", path: ["reason"], params: { vi: "cần ghi lý do huỷ đơn" } });
export type StatusBody = z.infer<typeof StatusBody>;

/** What the mini app passes to zmp-sdk `createOrder` (zalo-platform.md §8.1); `mac` is made by the server. */
export const CheckoutParams = z.object({
  amount: z.number(),
  desc: z.string(),
  item: z.array(z.record(z.string(), z.unknown())),
  extradata: z.string(),
  method: z.string(),
  mac: z.string(),
});
export type CheckoutParams = z.infer<typeof CheckoutParams>;

export const PaymentState = z.object({
  orderId: z.string(),
  payment: PaymentMethod,
  paymentStatus: PaymentStatus,
  paidAt: z.string().nullable(),
  checkoutOrderId: z.string().nullable(),
  /** What Zalo's getOrderStatus said when we asked just now (null when we did not ask). */
  zalo: z.object({ returnCode: z.number(), returnMessage: z.string() }).nullable(),
});
export type PaymentState = z.infer<typeof PaymentState>;

/** A cancelled paid order whose money must go back by hand (no refund API is documented for Checkout). */
export const RefundTask = z.object({
  orderId: z.string(),
  code: z.string(),
  storeId: z.string(),
  totalVnd: z.number(),
  payment: PaymentMethod,
  /** The method taken in Zalo's Checkout sheet (COD, BANK, the online one), when known. */
  checkoutMethod: z.string().nullable(),
  zaloTransId: z.string().nullable(),
  cancelReason: z.string().nullable(),
  paidAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type RefundTask = z.infer<typeof RefundTask>;
/** A COD/bank Checkout order whose report to Zalo (updateOrderStatus, §8.4) keeps failing: the console's retry list. */
export const CheckoutReportTask = z.object({
  orderId: z.string(),
  code: z.string(),
  storeId: z.string(),
  totalVnd: z.number(),
  checkoutMethod: z.string().nullable(),
  /** What is being reported: 1 completed, -1 closed unpaid, 2 refunded. */
  resultCode: z.union([z.literal(1), z.literal(-1), z.literal(2)]),
  /** Zalo's Checkout error code of the last refusal; null when Zalo was not reached or there is no Checkout order. */
  zaloCode: z.number().nullable(),
  /** The last failure as recorded (English, for support); the console shows a Vietnamese reason from `zaloCode`. */
  error: z.string(),
  /** When the `checkout-reports` job tries it next. */
  nextTryAt: z.string().nullable(),
});
export type CheckoutReportTask = z.infer<typeof CheckoutReportTask>;
export const RefundDoneBody = z.object({ note: z.string().trim().min(3).max(300) }).strict();
export type RefundDoneBody = z.infer<typeof RefundDoneBody>;

// ---- pure rules ----

export type PricedProduct = { id: string; name: string; priceVnd: number; optionGroups: OptionGroup[] };
export type LineProblem = { code: "OPTION_INVALID"; message: string };

/**
 * Prices one cart line from the menu: base price plus the chosen options' deltas, times quantity.
 * Unknown options, two picks in a `one` group, a missing required pick or too many `many` picks are refused.
 * A unit price never goes below 0 (a negative delta is a discount on the item, not a credit).
 */
export function priceLine(
  p: PricedProduct,
  item: { quantity: number; optionIds: string[] },
): { ok: true; line: OrderLine } | { ok: false; problem: LineProblem } {
  const chosen = new Set(item.optionIds);
  if (chosen.size !== item.optionIds.length) return { ok: false, problem: { code: "OPTION_INVALID", message: `${p.name}: an option is picked twice` } };
  const known = new Set(p.optionGroups.flatMap((g) => g.options.map((o) => o.id)));
  const unknown = item.optionIds.filter((o) => !known.has(o));
  if (unknown.length) return { ok: false, problem: { code: "OPTION_INVALID", message: `${p.name}: unknown option ${unknown.join(", ")}` } };
  const options: OrderLine["options"] = [];
  for (const g of p.optionGroups) {
    const picked = g.options.filter((o) => chosen.has(o.id));
    if (g.kind === "one" && picked.length > 1) return { ok: false, problem: { code: "OPTION_INVALID", message: `${p.name}: pick one ${g.name}` } };
    if (g.required && picked.length === 0) return { ok: false, problem: { code: "OPTION_INVALID", message: `${p.name}: choose a ${g.name}` } };
    if (g.kind === "many" && g.max !== null && picked.length > g.max)
      return { ok: false, problem: { code: "OPTION_INVALID", message: `${p.name}: at most ${g.max} ${g.name}` } };
    for (const o of picked) options.push({ id: o.id, name: o.name, priceDeltaVnd: o.priceDeltaVnd });
  }
  const unitPriceVnd = Math.max(0, p.priceVnd + options.reduce((s, o) => s + o.priceDeltaVnd, 0));
  return { ok: true, line: { productId: p.id, name: p.name, quantity: item.quantity, unitPriceVnd, options, lineTotalVnd: unitPriceVnd * item.quantity } };
}

export type DiscountVoucher = { kind: VoucherKind; value: number; maxDiscountVnd: number | null; minSpendVnd: number; freeItem: string | null };

/** The cheapest base price among lines whose product is the voucher's free item (names compared loosely), or null. */
export function freeItemPrice(lines: Pick<OrderLine, "name" | "unitPriceVnd" | "options">[], freeItem: string | null): number | null {
  if (!freeItem) return null;
  const norm = (s: string) => s.normalize("NFC").trim().toLowerCase();
  const prices = lines.filter((l) => norm(l.name) === norm(freeItem)).map((l) => l.unitPriceVnd - l.options.reduce((s, o) => s + o.priceDeltaVnd, 0));
  return prices.length ? Math.max(0, Math.min(...prices)) : null;
}

/** Subtotal, voucher discount (via `voucherDiscount`) and total; the total is never negative. */
export function orderTotals(lines: Pick<OrderLine, "name" | "unitPriceVnd" | "options" | "lineTotalVnd">[], voucher: DiscountVoucher | null) {
  const subtotalVnd = lines.reduce((s, l) => s + l.lineTotalVnd, 0);
  const discountVnd = voucher ? voucherDiscount(voucher, subtotalVnd, voucher.kind === "free_item" ? (freeItemPrice(lines, voucher.freeItem) ?? 0) : 0) : 0;
  return { subtotalVnd, discountVnd, totalVnd: Math.max(0, subtotalVnd - discountVnd) };
}

/** placed → confirmed → ready → completed; any of them → cancelled (a completed one is reversed). */
const NEXT: Record<OrderStatus, OrderStatus[]> = {
  placed: ["confirmed", "cancelled"],
  confirmed: ["ready", "cancelled"],
  ready: ["completed", "cancelled"],
  completed: ["cancelled"],
  cancelled: [],
};
export const canTransition = (from: OrderStatus, to: OrderStatus) => NEXT[from].includes(to);

/**
 * Reversing the points of a cancelled order: take back what was earned, but never below zero. If the shopper
 * already spent some, take back what the balance allows and record the rest as a shortfall (absorbed by the shop).
 */
export function pointsReversal(earned: number, balance: number): { reverse: number; shortfall: number } {
  const reverse = Math.max(0, Math.min(earned, balance));
  return { reverse, shortfall: Math.max(0, earned - reverse) };
}

/**
 * The string Zalo's Checkout MAC covers (zalo-platform.md §8.2/§8.3): keys sorted, `k=v` joined by `&`,
 * objects (the `item` array) JSON-stringified, strings verbatim. Undefined values are left out.
 */
export function checkoutMacData(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`;
    })
    .join("&");
}

// ---- the shopper's cart, kept on the server (one per person per store) ----

/** The cart a shopper saves (debounced from the mini app): items only; the server prices and names them. */
export const CartPutBody = z.object({ items: z.array(CartItem).max(30) }).strict();
export type CartPutBody = z.infer<typeof CartPutBody>;

/** A saved line: what was chosen, with the menu's names and price when it was saved (display until the cart is quoted). */
export const SavedCartLine = z.object({
  productId: z.string(),
  optionIds: z.array(z.string()),
  quantity: z.number().int(),
  name: z.string(),
  optionNames: z.array(z.string()),
  unitPriceVnd: z.number().int(),
  imageUrl: z.string().nullable(),
});
export type SavedCartLine = z.infer<typeof SavedCartLine>;

/** `version` grows with every change (the abandoned-cart reminder fires once per version left alone). */
export const SavedCart = z.object({ storeId: z.string(), version: z.number().int(), lines: z.array(SavedCartLine), updatedAt: z.string() });
export type SavedCart = z.infer<typeof SavedCart>;

/** The deep link that reopens a store's cart: `https://zalo.me/s/<appId>/?store=…&open=cart` (the home screen forwards it). */
export const cartDeepLink = (miniAppId: string, storeId: string) =>
  `https://zalo.me/s/${encodeURIComponent(miniAppId)}/?${new URLSearchParams({ store: storeId, open: "cart" }).toString()}`;
