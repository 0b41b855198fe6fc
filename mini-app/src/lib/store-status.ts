import { atom } from "recoil";
import type { PublicStore } from "@mc/shared";
import { statusWords, whenWords } from "@mc/shared/store-hours";
import { ErrorCode } from "@mc/shared/errors";

/**
 * Whether a store is open, as the server said last (GET /api/stores, or a cart's pickup times). Not kept on the
 * device: it changes with the hour. The words count days from the server's instant, not the phone's clock.
 */
export const storeInfoState = atom<Record<string, PublicStore>>({ key: "ord.storeInfo", default: {} });

type StatusOf = Pick<PublicStore, "status" | "timeZone">;
/** "Đang mở cửa · đóng lúc 22:00", "Đóng cửa · mở lúc 07:00 mai". */
export const statusLine = (s: StatusOf) => statusWords(s.status, Date.parse(s.status.at), s.timeZone);
/** The short word for the store picker. */
export const openWord = (s: StatusOf) => (s.status.openNow ? "Đang mở" : "Đóng cửa");

/**
 * A refusal about the store's hours, in Vietnamese, with the next opening the server named (`details.opensAt`):
 * "Cửa hàng không mở cửa vào giờ bạn chọn · mở lúc 07:00". Null for other codes.
 */
export function hoursRefusal(code: string, details: unknown, at: number): string | null {
  const d = (details ?? {}) as { opensAt?: string | null; timeZone?: string; closedReason?: string };
  const opens = d.opensAt && d.timeZone ? ` · mở lúc ${whenWords(Date.parse(d.opensAt), at, d.timeZone)}` : "";
  switch (code) {
    case ErrorCode.PICKUP_OUTSIDE_HOURS:
      return `Cửa hàng không mở cửa vào giờ bạn chọn${opens}. Hãy chọn giờ khác.`;
    case ErrorCode.STORE_CLOSED:
      return `Cửa hàng đang đóng cửa${opens}`;
    case ErrorCode.STORE_UNAVAILABLE:
      return d.closedReason ? `Cửa hàng tạm ngưng nhận đơn: ${d.closedReason}` : "Cửa hàng đang tạm ngưng nhận đơn";
    default:
      return null;
  }
}
