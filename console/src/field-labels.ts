/**
 * The forms' names for the fields of the bodies and queries they send, so a refused request's problems read
 * the way the form is labelled (`ErrorBox fields=`). A path not listed takes the label of the part it is in.
 */

export const LOGIN_FIELDS: Record<string, string> = { email: "Email", password: "Mật khẩu" };

export const DASHBOARD_FIELDS: Record<string, string> = { from: "Từ ngày", to: "Đến ngày" };

export const AUDIT_FIELDS: Record<string, string> = {
  actor: "Người thực hiện",
  action: "Thao tác",
  target: "Đối tượng",
  from: "Từ ngày",
  to: "Đến ngày",
  after: "Trang tiếp",
  limit: "Số dòng",
};

export const CUSTOMER_LIST_FIELDS: Record<string, string> = {
  q: "Tìm kiếm",
  tier: "Hạng",
  follower: "Quan tâm OA",
  storeId: "Cửa hàng đã ghé",
  tag: "Nhãn",
  orderDaysMin: "Không đặt đơn trong (ngày)",
  orderDaysMax: "Có đơn trong (ngày)",
  visitDaysMin: "Không ghé trong (ngày)",
  visitDaysMax: "Có ghé trong (ngày)",
  segmentId: "Phân khúc",
  sort: "Sắp xếp",
  after: "Trang tiếp",
  limit: "Số dòng",
};

/** A segment's rule tree: every rule is under "rules", so its problems name the conditions. */
export const SEGMENT_FIELDS: Record<string, string> = {
  name: "Tên phân khúc",
  description: "Mô tả",
  rules: "Điều kiện",
};

export const NOTE_FIELDS: Record<string, string> = { text: "Ghi chú" };
export const TAG_FIELDS: Record<string, string> = { tags: "Nhãn", "tags.*": "Nhãn" };
export const ADJUST_FIELDS: Record<string, string> = { delta: "Số điểm", reason: "Lý do", idempotencyKey: "Mã lần điều chỉnh" };

export const CANNED_FIELDS: Record<string, string> = { label: "Tên câu mẫu", text: "Nội dung", position: "Thứ tự" };
