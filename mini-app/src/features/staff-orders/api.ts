import type { Order, OrderStatus } from "@mc/shared";
import { api } from "../../api/client";

export const fetchStoreOrders = (storeId: string, statuses: OrderStatus[]) =>
  api.get<{ orders: Order[] }>(`/api/staff/stores/${encodeURIComponent(storeId)}/orders?status=${statuses.join(",")}`).then((r) => r.orders);
export const moveOrder = (id: string, status: Exclude<OrderStatus, "placed">, reason?: string) =>
  api.post<{ order: Order }>(`/api/staff/orders/${encodeURIComponent(id)}/status`, reason ? { status, reason } : { status }).then((r) => r.order);
