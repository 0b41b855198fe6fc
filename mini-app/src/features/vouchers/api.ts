import type { CatalogueItem, Voucher, VoucherQr, VoucherStatus } from "@mc/shared";
import { api } from "../../api/client";

export const fetchCatalogue = () => api.get<{ items: CatalogueItem[] }>("/api/vouchers/catalogue").then((r) => r.items);

/** One claim per tap: the requestId makes a retried request return the voucher already issued. */
export const claimCampaign = (campaignId: string, requestId: string) =>
  api.post<{ voucher: Voucher; balance: number }>(`/api/vouchers/campaigns/${encodeURIComponent(campaignId)}/claim`, { requestId });

export const fetchMyVouchers = (status: VoucherStatus) => api.get<{ vouchers: Voucher[] }>(`/api/me/vouchers?status=${status}`).then((r) => r.vouchers);

export const fetchVoucher = (id: string) => api.get<{ voucher: Voucher }>(`/api/me/vouchers/${encodeURIComponent(id)}`).then((r) => r.voucher);

export const fetchVoucherQr = (id: string) => api.get<VoucherQr>(`/api/me/vouchers/${encodeURIComponent(id)}/qr`);
