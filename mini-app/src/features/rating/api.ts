import type { OrderRatingView, Rating } from "@mc/shared";
import { api } from "../../api/client";

const path = (orderId: string) => `/api/me/orders/${encodeURIComponent(orderId)}/rating`;

export const fetchRatingView = (orderId: string) => api.get<OrderRatingView>(path(orderId));
export const submitRating = (orderId: string, body: { stars: number; comment: string }) =>
  api.post<{ rating: Rating }>(path(orderId), body).then((r) => r.rating);

/** The rating page of an order (the feedback message's link opens it through RateEntry). */
export const ratePath = (orderId: string) => `/rate/${encodeURIComponent(orderId)}`;
