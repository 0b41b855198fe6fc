import type { CustomerSort, SegmentRule } from "@mc/shared";

/** Vietnamese words for the CRM pages (customers, profile, segments). */

export const SORT_LABEL: Record<CustomerSort, string> = {
  newest: "Mới tham gia",
  name: "Tên (A–Z)",
  points: "Điểm cao nhất",
  lastInteraction: "Tương tác gần nhất",
};
export const SORTS = Object.keys(SORT_LABEL) as CustomerSort[];

export const ROLE_LABEL: Record<string, string> = { customer: "Khách hàng", staff: "Nhân viên", admin: "Quản trị" };

// The timeline's names are shared with the mini app's staff profile.
export { TIMELINE_KINDS, TIMELINE_LABEL } from "@mc/shared";

export type RuleKind = SegmentRule["kind"];
export const RULE_LABEL: Record<RuleKind, string> = {
  tier: "Hạng thành viên",
  points: "Số điểm hiện có",
  lastOrder: "Đơn hàng gần nhất",
  lastVisit: "Lần ghé gần nhất",
  orderCount: "Số đơn hàng",
  spend: "Tổng chi tiêu",
  visitedStore: "Đã ghé cửa hàng",
  playedGame: "Đã chơi trò chơi",
  follower: "Quan tâm OA",
  unfollowed: "Đã bỏ quan tâm OA",
  tags: "Nhãn",
  birthdayMonth: "Tháng sinh nhật",
  csWindowOpen: "Trong cửa sổ tin tư vấn (CS)",
  hasPhone: "Có số điện thoại",
  promotionsAllowed: "Nhận được tin khuyến mãi",
};
export const RULE_KINDS = Object.keys(RULE_LABEL) as RuleKind[];

export const GROUP_LABEL = { all: "Đúng TẤT CẢ (VÀ)", any: "Đúng MỘT TRONG SỐ (HOẶC)", none: "KHÔNG đúng điều nào (KHÔNG)" } as const;

/** "3 ngày trước", "vừa xong": for the list's last-interaction column. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()) {
  if (!iso) return "—";
  const mins = Math.round((now - new Date(iso).getTime()) / 60_000);
  if (mins < 1) return "vừa xong";
  if (mins < 60) return `${mins} phút trước`;
  const hours = Math.round(mins / 60);
  if (hours < 24) return `${hours} giờ trước`;
  const days = Math.round(hours / 24);
  return days < 60 ? `${days} ngày trước` : `${Math.round(days / 30)} tháng trước`;
}

/** A BirthDate (`YYYY-MM-DD`, or `MM-DD` without the year) as the shop reads it. */
export function fmtBirth(d: string | null) {
  if (!d) return "—";
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(d);
  return m ? `${m[3]}/${m[2]}${m[1] ? `/${m[1]}` : ""}` : d;
}
