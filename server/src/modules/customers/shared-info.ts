import { randomUUID } from "node:crypto";
import { maskPhone, normalizePhone } from "@mc/shared";
import type { CustomerRepoSync } from "./repo";
import type { NotesRepoSync } from "./notes-repo";

type Info = Record<string, unknown>;
const text = (v: unknown, max: number) => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : null);

/**
 * The name and phone in a `user_submit_info` event (§6.2), in either shape Zalo is seen to send: the flat
 * `info:{name, phone, address, city, district, ward}` or the newer nested one (`full_address:{…}`).
 */
export function submittedInfo(e: { info?: unknown }): { name: string | null; phone: string | null; address: string | null } {
  const i = (e.info && typeof e.info === "object" ? e.info : {}) as Info;
  const full = (i.full_address && typeof i.full_address === "object" ? i.full_address : {}) as Info;
  const address = [text(i.address ?? full.user_address, 200), text(i.ward ?? full.user_ward, 80), text(i.district, 80), text(i.city ?? full.user_city, 80)]
    .filter(Boolean)
    .join(", ");
  return { name: text(i.name, 120), phone: normalizePhone(String(i.phone ?? "")), address: address || null };
}

/**
 * The customers module's door for what a person shared with the OA when asked: their profile takes the name and
 * phone, the time is their consent, and a note in their timeline says what they shared. Inside the webhook's
 * transaction: the event is stored once, so a redelivery changes nothing twice.
 */
export function createSharedInfo(deps: {
  customers: Pick<CustomerRepoSync, "byId" | "setSharedInfo">;
  notes: Pick<NotesRepoSync, "insert">;
  now: () => number;
}) {
  return function apply(customerId: string, e: { info?: unknown }, at: number): { name: string | null; phone: string | null } | null {
    const info = submittedInfo(e);
    if (!info.name && !info.phone) return null;
    if (!deps.customers.setSharedInfo(customerId, { name: info.name, phone: info.phone, at }, deps.now())) return null;
    const parts = [info.name && `tên ${info.name}`, info.phone && `số điện thoại ${maskPhone(info.phone)}`, info.address && `địa chỉ ${info.address}`].filter(
      Boolean,
    );
    deps.notes.insert({
      id: randomUUID(),
      customer_id: customerId,
      author_kind: "system",
      author_id: "zalo",
      author_name: "Zalo",
      text: `Khách đã đồng ý chia sẻ thông tin qua Zalo: ${parts.join(", ")}.`,
      created_at: at,
    });
    return { name: info.name, phone: info.phone };
  };
}
export type SharedInfo = ReturnType<typeof createSharedInfo>;
