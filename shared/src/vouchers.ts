import { z } from "zod";

export const VoucherKind = z.enum(["amount_off", "percent_off", "free_item"]);
export type VoucherKind = z.infer<typeof VoucherKind>;

const isoDate = z.string().datetime({ offset: true });

export const CampaignInput = z
  .object({
    name: z.string().trim().min(2).max(80),
    description: z.string().trim().max(400).default(""),
    kind: VoucherKind,
    /** VND for amount_off, percent (1–100) for percent_off, ignored for free_item. */
    value: z.number().int().min(0).max(100_000_000),
    maxDiscountVnd: z.number().int().positive().max(100_000_000).nullable().default(null),
    freeItem: z.string().trim().max(80).nullable().default(null),
    minSpendVnd: z.number().int().min(0).max(1_000_000_000).default(0),
    /** null = unlimited. */
    stock: z.number().int().min(0).max(10_000_000).nullable().default(null),
    perCustomerLimit: z.number().int().min(1).max(100).default(1),
    validFrom: isoDate.nullable().default(null),
    validTo: isoDate.nullable().default(null),
    /** A voucher claimed today lasts this many days, capped by validTo. */
    validDaysAfterClaim: z.number().int().min(1).max(3650).nullable().default(null),
    costPoints: z.number().int().min(0).max(10_000_000).default(0),
    /** Empty = every store. */
    storeIds: z.array(z.string().min(1).max(64)).max(200).default([]),
    requiresFollow: z.boolean().default(false),
    /** Listed in the shopper's catalogue; prize-only campaigns are not. */
    listed: z.boolean().default(true),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === "percent_off" && (c.value < 1 || c.value > 100))
      ctx.addIssue({ code: "custom", path: ["value"], message: "percent must be 1–100", params: { vi: "phần trăm giảm phải từ 1 đến 100" } });
    if (c.kind === "amount_off" && c.value < 1000)
      ctx.addIssue({ code: "custom", path: ["value"], message: "amount off must be at least 1,000 VND", params: { vi: "số tiền giảm tối thiểu là 1.000đ" } });
    if (c.kind === "free_item" && !c.freeItem)
      ctx.addIssue({ code: "custom", path: ["freeItem"], message: "name the free item", params: { vi: "cần ghi tên món được tặng" } });
    if (c.validFrom && c.validTo && Date.parse(c.validTo) <= Date.parse(c.validFrom))
      ctx.addIssue({ code: "custom", path: ["validTo"], message: "validTo must be after validFrom", params: { vi: "ngày hết hạn phải sau ngày bắt đầu" } });
    if (!c.validTo && !c.validDaysAfterClaim)
      ctx.addIssue({
        code: "custom",
        path: ["validDaysAfterClaim"],
        message: "give validTo or validDaysAfterClaim so vouchers expire",
        params: { vi: "cần ngày hết hạn hoặc số ngày dùng được sau khi nhận, để voucher có hạn" },
      });
  });
export type CampaignInput = z.infer<typeof CampaignInput>;

export const Campaign = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: VoucherKind,
  value: z.number(),
  maxDiscountVnd: z.number().nullable(),
  freeItem: z.string().nullable(),
  minSpendVnd: z.number(),
  stock: z.number().nullable(),
  issued: z.number(),
  remaining: z.number().nullable(),
  perCustomerLimit: z.number(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  validDaysAfterClaim: z.number().nullable(),
  costPoints: z.number(),
  storeIds: z.array(z.string()),
  requiresFollow: z.boolean(),
  listed: z.boolean(),
  active: z.boolean(),
});
export type Campaign = z.infer<typeof Campaign>;

/** Deactivate (out of the catalogue, cannot be claimed or won) or reactivate a campaign. */
export const CampaignActiveBody = z.object({ active: z.boolean() }).strict();
export type CampaignActiveBody = z.infer<typeof CampaignActiveBody>;

/** What became of a campaign's vouchers: issued, redeemed, expired unused, and redemptions per store. */
export const CampaignStats = z.object({
  issued: z.number(),
  redeemed: z.number(),
  expired: z.number(),
  byStore: z.array(z.object({ storeId: z.string(), storeName: z.string(), redeemed: z.number() })),
});
export type CampaignStats = z.infer<typeof CampaignStats>;

export const AdminCampaign = Campaign.extend({ stats: CampaignStats });
export type AdminCampaign = z.infer<typeof AdminCampaign>;

/** A catalogue row for one shopper: can they claim it now, and if not, why (a stable code). */
export const CatalogueItem = Campaign.extend({
  claimedByMe: z.number(),
  claimable: z.boolean(),
  blockedBy: z.string().nullable(),
});
export type CatalogueItem = z.infer<typeof CatalogueItem>;

export const VoucherStatus = z.enum(["active", "used", "expired", "void"]);
export type VoucherStatus = z.infer<typeof VoucherStatus>;

export const Voucher = z.object({
  id: z.string(),
  code: z.string(),
  status: VoucherStatus,
  campaign: Campaign.pick({
    id: true,
    name: true,
    description: true,
    kind: true,
    value: true,
    maxDiscountVnd: true,
    freeItem: true,
    minSpendVnd: true,
    storeIds: true,
  }),
  issuedAt: z.string(),
  expiresAt: z.string(),
  redeemedAt: z.string().nullable(),
  redeemedStoreId: z.string().nullable(),
  source: z.string(),
});
export type Voucher = z.infer<typeof Voucher>;

/** `code` is the short-lived 6-digit code shown under this QR: it lives exactly as long as the QR. */
export const VoucherQr = z.object({ payload: z.string(), code: z.string(), expiresAt: z.string(), refreshInSeconds: z.number() });
export type VoucherQr = z.infer<typeof VoucherQr>;

/**
 * Staff send exactly one of: what they scanned (the QR payload), what the shopper read out (the 6-digit
 * code under the QR), or, for a shopper whose phone cannot show the voucher, the member card's code with
 * the voucher picked from that member's list.
 */
export const CounterVoucherBody = z
  .object({
    qr: z.string().trim().min(1).max(512).optional(),
    code: z.string().trim().min(4).max(16).optional(),
    memberCode: z.string().trim().min(4).max(64).optional(),
    voucherId: z.string().min(1).max(64).optional(),
    storeId: z.string().min(1).max(64),
  })
  .strict()
  .refine((b) => !!b.memberCode === !!b.voucherId, {
    message: "send memberCode and voucherId together",
    params: { vi: "cần gửi mã thành viên cùng với voucher" },
  })
  .refine((b) => Number(!!b.qr) + Number(!!b.code) + Number(!!b.voucherId) === 1, {
    message: "send exactly one of qr, code, or memberCode with voucherId",
    params: { vi: "chỉ gửi một trong: mã QR, mã 6 số, hoặc mã thành viên cùng voucher" },
  });
export type CounterVoucherBody = z.infer<typeof CounterVoucherBody>;

export const CounterVoucher = z.object({
  voucher: Voucher,
  owner: z.object({ id: z.string(), name: z.string(), avatar: z.string().nullable() }),
  validHere: z.boolean(),
  /** Who redeemed it (the staff member's name), once used. */
  redeemedBy: z.string().nullable(),
});
export type CounterVoucher = z.infer<typeof CounterVoucher>;

/** The member card, scanned or typed, at the store staff work at now. */
export const MemberVouchersBody = z.object({ memberCode: z.string().trim().min(4).max(64), storeId: z.string().min(1).max(64) }).strict();
export type MemberVouchersBody = z.infer<typeof MemberVouchersBody>;

/** The vouchers that member can use here now, soonest to expire first. */
export const MemberVouchers = z.object({ owner: CounterVoucher.shape.owner, vouchers: z.array(Voucher) });
export type MemberVouchers = z.infer<typeof MemberVouchers>;

// Pure rules live in a zod-free module so the mini app can import them without bundling zod.
export { voucherLabel, voucherDiscount, voucherExpiry } from "./voucher-rules";
