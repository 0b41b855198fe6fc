import type { AwardPointsBody, CounterVoucher } from "@mc/shared";
import { api } from "../../api/client";

export type { Store } from "../../lib/duty-store";
export type Member = { id: string; name: string; avatar: string | null; tier: { key: string; name: string; multiplier: number }; balance: number };
export type AwardResult = { member: { id: string; name: string }; points: number; balance: number; duplicate: boolean };

/** What staff scanned (the signed QR payload) or typed (the short code), at the store they work at now. */
export type CounterInput = ({ qr: string } | { code: string }) & { storeId: string };

export const inspectVoucher = (body: CounterInput) => api.post<CounterVoucher>("/api/staff/vouchers/inspect", body);
export const redeemVoucher = (body: CounterInput) => api.post<CounterVoucher>("/api/staff/vouchers/redeem", body);
export const fetchMember = (code: string) => api.get<{ member: Member }>(`/api/staff/members/${encodeURIComponent(code)}`).then((r) => r.member);
export const awardPoints = (body: AwardPointsBody) => api.post<AwardResult>("/api/staff/points/award", body);

/** A member card QR holds the member code ("MC-7K2P-9Q4X"); a voucher QR holds a signed payload. */
export const looksLikeMemberCode = (s: string) => /^MC[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}$/i.test(s.trim());
