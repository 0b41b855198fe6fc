import type { CheckoutParams, Order, PaymentState } from "@mc/shared";
import { api } from "../../api/client";
import { zalo } from "../../zalo";
import { checkoutOpened } from "../../lib/checkout-return";

export const fetchMyOrders = () => api.get<{ orders: Order[] }>("/api/me/orders").then((r) => r.orders);
export const fetchMyOrder = (id: string) => api.get<{ order: Order }>(`/api/me/orders/${encodeURIComponent(id)}`).then((r) => r.order);
export const cancelMyOrder = (id: string, reason: string) =>
  api.post<{ order: Order }>(`/api/me/orders/${encodeURIComponent(id)}/cancel`, { reason }).then((r) => r.order);

const checkoutKey = (orderId: string) => `mc.order.checkout.${orderId}`;

/** The Checkout order id createOrder gave us for one of our orders (so polling can ask Zalo when the callback is late). */
export function checkoutIdOf(orderId: string): string | null {
  try {
    return window.localStorage.getItem(checkoutKey(orderId));
  } catch {
    return null;
  }
}

export const fetchPayment = (orderId: string) => {
  const coid = checkoutIdOf(orderId);
  return api.get<PaymentState>(`/api/orders/${encodeURIComponent(orderId)}/payment${coid ? `?checkoutOrderId=${encodeURIComponent(coid)}` : ""}`);
};

/**
 * Zalo Checkout: the server prices the order and makes the MAC; the app hands exactly those params to
 * createOrder (a counter order's say COD). It resolves when the sheet opens; whether it was paid is only
 * ever read back from the server (its callback / get-status). The mark brings Zalo's reopen back here.
 */
export async function payWithZalo(orderId: string): Promise<void> {
  const params = await api.post<CheckoutParams>(`/api/orders/${encodeURIComponent(orderId)}/checkout`);
  checkoutOpened(orderId);
  const { orderId: checkoutOrderId } = await zalo.createOrder(params);
  if (!checkoutOrderId) return;
  try {
    window.localStorage.setItem(checkoutKey(orderId), checkoutOrderId);
  } catch {
    /* the server still learns it from the callback */
  }
}
