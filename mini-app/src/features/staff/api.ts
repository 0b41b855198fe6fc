import type { AwardPointsBody, CounterVoucher, LedgerEntry, MemberVouchers } from "@mc/shared";
import { api } from "../../api/client";

export type { Store } from "../../lib/duty-store";
/** A member found by code, as the counter may see them: shortened name ("N. T. Hà"), avatar, tier. */
export type Member = { name: string; avatar: string | null; tier: { key: string; name: string; multiplier: number } };
/** `entry` is the bill's award: this one, or (duplicate) the first one. */
export type AwardResult = { member: { id: string; name: string }; points: number; balance: number; duplicate: boolean; entry: LedgerEntry };

/**
 * What staff scanned (the signed QR payload), typed (the 6-digit code under the QR), or picked from a
 * member's list (the member card + the voucher), at the store they work at now.
 */
export type CounterInput = ({ qr: string } | { code: string } | { memberCode: string; voucherId: string }) & { storeId: string };

export const inspectVoucher = (body: CounterInput) => api.post<CounterVoucher>("/api/staff/vouchers/inspect", body);
export const redeemVoucher = (body: CounterInput) => api.post<CounterVoucher>("/api/staff/vouchers/redeem", body);
export const memberVouchers = (body: { memberCode: string; storeId: string }) => api.post<MemberVouchers>("/api/staff/vouchers/by-member", body);
export const fetchMember = (code: string) => api.get<{ member: Member }>(`/api/staff/members/${encodeURIComponent(code)}`).then((r) => r.member);
export const awardPoints = (body: AwardPointsBody) => api.post<AwardResult>("/api/staff/points/award", body);
/** The person behind a member code, for their profile: 404 CUSTOMER_NOT_FOUND unless they visited one of the caller's stores. */
export const customerByMemberCode = (code: string) =>
  api.get<{ customerId: string }>(`/api/staff/members/${encodeURIComponent(code)}/customer`).then((r) => r.customerId);

/** A member card QR holds the member code ("MC-7K2P-9Q4X"); a voucher QR holds a signed payload. */
export const looksLikeMemberCode = (s: string) => /^MC[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}$/i.test(s.trim());
