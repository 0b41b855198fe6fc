import type { Order, PickupSlotsView, PlaceOrderBody, Quote, QuoteBody, Voucher } from "@mc/shared";
import { api } from "../../api/client";

export const quoteCart = (body: QuoteBody) => api.post<Quote>("/api/orders/quote", body);
export const placeOrder = (body: PlaceOrderBody) => api.post<{ order: Order; duplicate: boolean }>("/api/orders", body);

/** The shopper's vouchers that can still be applied to an order. */
export const fetchActiveVouchers = () => api.get<{ vouchers: Voucher[] }>("/api/me/vouchers?status=active").then((r) => r.vouchers);

/** The pickup times a store offers now (public: the same for everyone). */
export const fetchPickupSlots = (storeId: string) => api.get<PickupSlotsView>(`/api/stores/${encodeURIComponent(storeId)}/pickup-slots`, { auth: false });
