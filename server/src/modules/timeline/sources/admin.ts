import { createPersonAuditRepo, type PersonActionRow } from "../../../lib/audit-repo";
import { actorName, atStores, scan, storesParam, type Item, type SourceFactory } from "../kit";

const ROLE: Record<string, string> = { customer: "Khách hàng", staff: "Nhân viên", admin: "Quản trị viên" };

const parse = (s: string | null): Record<string, unknown> | null => {
  if (!s) return null;
  try {
    const v = JSON.parse(s);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};
const tagsOf = (d: Record<string, unknown> | null) => (Array.isArray(d?.tags) ? (d.tags as unknown[]).map(String) : null);

function words(r: PersonActionRow): { title: string; detail: string | null; data: Record<string, unknown> } {
  const d = parse(r.details);
  switch (r.action) {
    case "role.set": {
      const from = ROLE[String(d?.from)] ?? String(d?.from ?? "?");
      const to = ROLE[String(d?.to)] ?? String(d?.to ?? "?");
      return {
        title: `Đổi vai trò: ${from} → ${to}`,
        detail: r.store_names ? `Cửa hàng: ${r.store_names}` : null,
        data: { from: d?.from, to: d?.to, storeIds: d?.storeIds },
      };
    }
    case "customer.tags": {
      const now = tagsOf(d);
      // The first tag change starts from none; a forgotten one (erasure) says nothing of its tags.
      const before = r.previous_tags === null ? [] : tagsOf(parse(r.previous_tags));
      if (now === null) return { title: "Cập nhật nhãn", detail: null, data: {} };
      if (before === null) return { title: "Cập nhật nhãn", detail: now.length ? `Nhãn: ${now.join(", ")}` : "Bỏ hết nhãn", data: { tags: now } };
      const added = now.filter((t) => !before.includes(t));
      const removed = before.filter((t) => !now.includes(t));
      const parts = [added.length ? `Thêm: ${added.join(", ")}` : null, removed.length ? `Bỏ: ${removed.join(", ")}` : null].filter(Boolean);
      return { title: "Cập nhật nhãn", detail: parts.length ? parts.join(" · ") : "Không đổi", data: { tags: now, added, removed } };
    }
    case "customer.erase":
      return { title: "Xoá dữ liệu cá nhân theo yêu cầu", detail: d?.reason ? `Lý do: ${String(d.reason)}` : null, data: d ?? {} };
    case "customer.export":
      return { title: "Xuất dữ liệu khách hàng", detail: null, data: d ?? {} };
    default:
      return { title: r.action, detail: null, data: d ?? {} };
  }
}

/** The console's acts on the person (audit_log): roles, tags, erasure, export (points adjusted by hand are the points source's). */
export const adminSource: SourceFactory = ({ db }) => {
  const repo = createPersonAuditRepo(db);
  return {
    kind: "admin",
    page: (customerId, before, limit, opts) =>
      scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, min, max, n, stores: storesParam(opts) }),
        id: (r) => r.id,
        hi: (r) => r.at,
        keep: atStores(opts),
        items: (r): Item[] => {
          const w = words(r);
          return [
            {
              key: `admin:${r.id}`,
              kind: "admin",
              at: r.at,
              title: w.title,
              detail: w.detail,
              storeId: r.store_id,
              actor: actorName(r.actor_kind, r.actor_id, r.actor_name, customerId),
              data: { action: r.action, ...w.data },
            },
          ];
        },
      }),
  };
};
