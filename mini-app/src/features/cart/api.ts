import type { Order, PlaceOrderBody, Quote, QuoteBody, Voucher } from "@mc/shared";
import { api } from "../../api/client";

export const quoteCart = (body: QuoteBody) => api.post<Quote>("/api/orders/quote", body);
export const placeOrder = (body: PlaceOrderBody) => api.post<{ order: Order; duplicate: boolean }>("/api/orders", body);

/** The shopper's vouchers that can still be applied to an order. */
export const fetchActiveVouchers = () => api.get<{ vouchers: Voucher[] }>("/api/me/vouchers?status=active").then((r) => r.vouchers);
