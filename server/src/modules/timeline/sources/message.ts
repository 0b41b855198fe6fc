import { reasonLabel } from "@mc/shared";
import { createOutboxTimelineRepo, type OutboxTimelineRow } from "../../messaging/timeline-repo";
import { iso, localTime, scan, type SourceFactory } from "../kit";

const CATEGORY: Record<OutboxTimelineRow["category"], string> = { transactional: "Tin giao dịch", care: "Tin chăm sóc", promotion: "Tin khuyến mãi" };
const SOURCE: Record<string, string> = {
  welcome: "chào mừng",
  order: "đơn hàng",
  floor: "giữ ấm",
  game: "quà trò chơi",
  claim: "voucher",
  thanks: "cảm ơn",
  feedback: "xin góp ý",
  points_expiring: "nhắc điểm sắp hết hạn",
  voucher_expiring: "nhắc voucher sắp hết hạn",
  birthday: "chúc mừng sinh nhật",
  win_back: "mời quay lại",
};
const CHANNEL: Record<string, string> = { cs: "Tin tư vấn (CS)", template_uid: "Mẫu qua UID", zns: "ZNS qua SĐT" };
const STATE: Record<OutboxTimelineRow["state"], string> = {
  queued: "chờ gửi",
  ready: "đang gửi",
  sending: "đang gửi",
  sent: "đã gửi",
  delivered: "đã nhận",
  seen: "đã xem",
  held: "tạm giữ",
  suppressed: "không gửi",
  failed: "gửi lỗi",
  expired: "hết hạn",
  cancelled: "đã huỷ",
};

/** What the policy decided and what came of it, in words. */
function outcome(m: OutboxTimelineRow, timeZone: string): string | null {
  const at = (ms: number | null) => (ms === null ? null : localTime(ms, timeZone));
  const why = m.reason ? reasonLabel(m.reason) : null;
  switch (m.state) {
    case "sent":
    case "delivered":
    case "seen":
    case "ready":
    case "sending": {
      const how = m.channel ? `Qua ${CHANNEL[m.channel] ?? m.channel}${m.free === null ? "" : m.free ? ", miễn phí" : ", có phí"}` : null;
      const when = [m.sent_at && `gửi ${at(m.sent_at)}`, m.delivered_at && `nhận ${at(m.delivered_at)}`, m.seen_at && `xem ${at(m.seen_at)}`]
        .filter(Boolean)
        .join(", ");
      return [how, when || null].filter(Boolean).join(" · ") || null;
    }
    case "held":
      return `Tạm giữ${m.not_before ? ` đến ${at(m.not_before)}` : ""}${why ? `: ${why}` : ""}`;
    case "suppressed":
      return `Không gửi: ${why ?? "không rõ lý do"}`;
    case "failed":
      return `Lỗi${m.zalo_error ? ` Zalo ${m.zalo_error}` : ""}${why ? `: ${why}` : ""}`;
    case "expired":
      return reasonLabel(m.reason ?? "EXPIRED");
    case "cancelled":
      return why ? `Huỷ: ${why}` : null;
    case "queued":
      return why ?? (m.not_before ? `Gửi từ ${at(m.not_before)}` : null);
  }
}

/**
 * Every message to the person (the outbox, unsent ones too), with the send policy's decision and reason in
 * words. Placed at its creation (when it was decided): a row stays where it is however its state moves on.
 * No store: a staff view has none.
 */
export const messageSource: SourceFactory = ({ db, timeZone }) => {
  const repo = createOutboxTimelineRepo(db);
  return {
    kind: "message",
    page: (customerId, before, limit, opts) =>
      opts.storeIds
        ? []
        : scan({
            before,
            limit,
            range: (min, max, n) => repo.range({ customerId, min, max, n }),
            id: (m) => m.id,
            hi: (m) => m.created_at,
            items: (m) => {
              const what = m.broadcast_id
                ? `Chiến dịch “${m.broadcast_name ?? m.broadcast_id}”`
                : `${CATEGORY[m.category]}${SOURCE[m.source] ? ` (${SOURCE[m.source]})` : ""}`;
              const content = m.text_head
                ? `“${m.text_head.length > 120 ? `${m.text_head.slice(0, 120)}…` : m.text_head}”`
                : m.template_id
                  ? `Mẫu ZNS ${m.template_id}`
                  : null;
              return [
                {
                  key: `message:${m.id}`,
                  kind: "message",
                  at: m.created_at,
                  title: `${what}: ${STATE[m.state]}`,
                  detail: [outcome(m, timeZone), content].filter(Boolean).join(" · ") || null,
                  storeId: null,
                  actor: m.broadcast_id ? (m.broadcast_by ?? "hệ thống") : "hệ thống",
                  data: {
                    messageId: m.id,
                    category: m.category,
                    source: m.source,
                    state: m.state,
                    reason: m.reason,
                    reasonText: m.reason ? reasonLabel(m.reason) : null,
                    channel: m.channel,
                    free: m.free === null ? null : !!m.free,
                    zaloError: m.zalo_error,
                    notBefore: iso(m.not_before),
                    broadcastId: m.broadcast_id,
                    broadcastName: m.broadcast_name,
                    sentAt: iso(m.sent_at),
                    deliveredAt: iso(m.delivered_at),
                    seenAt: iso(m.seen_at),
                  },
                },
              ];
            },
          }),
  };
};
