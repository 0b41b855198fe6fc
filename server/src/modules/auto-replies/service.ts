import {
  distanceWords,
  ErrorCode,
  locationOf,
  matchIntent,
  nearestStore,
  normaliseText,
  statusWords,
  whenWords,
  type AutoReplyIntent,
  type AutoReplyRuleInput,
  type PublicStore,
} from "@mc/shared";
import { q, syncStep, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import { audit, type Actor } from "../../lib/audit";
import { perTurn } from "../../lib/per-turn";
import type { NewMessage } from "../messaging/repo";
import type { OrderRow } from "../orders/repo";
import type { AutoReplyRepo } from "./repo";

const HOUR = 3_600_000;
/** A conversation gap: within it a person is told "we answer at HH:MM" once, however many messages they send. */
export const NOTICE_GAP_MS = 12 * HOUR;
/** An answer that could not go out within this is no answer any more. */
const REPLY_TTL_MS = 6 * HOUR;
const STORES_LISTED = 5;

const ORDER_STATUS_WORDS: Record<OrderRow["status"], string> = {
  placed: "đã đặt, đang chờ cửa hàng xác nhận",
  confirmed: "đã được xác nhận, cửa hàng đang chuẩn bị",
  ready: "đã sẵn sàng, mời bạn đến nhận",
  completed: "đã hoàn tất",
  cancelled: "đã bị huỷ",
};

export type FollowerMessage = {
  customerId: string;
  /** Zalo's `message.msg_id`: one answer per inbound message, whatever redelivers it. */
  zaloMsgId: string;
  text: string;
  /** Zalo's stamp of the message (epoch ms). */
  at: number;
  /** Sent by the OA (an `oa_send_*` echo, or a sender that is the OA itself): never answered. */
  fromOa: boolean;
};

/**
 * What became of a follower message. `handoff`: it needs a person ("talk to a person", or no rule matched); the
 * inbox marks its conversation so (wired by the caller). `queuedMessageId`: the outbox dedupe key of the answer.
 */
export type AutoReplyOutcome = { intent: AutoReplyIntent | null; handoff: boolean; queuedMessageId?: string };

/**
 * Answers follower messages from the person's real data, through the outbox (so `decide` and the dispatcher
 * apply). Every answer is `transactional`: it replies to what the person just asked, so no cap or fatigue may
 * hold it behind a welcome or an offer (a "care" answer would wait up to 20 h behind the default cap).
 */
export function createAutoReplyService(deps: {
  store: Store;
  repo: AutoReplyRepo;
  now: () => number;
  timeZone: string;
  miniAppLink: string;
  balanceOf: (customerId: string) => Awaitable<number | undefined>;
  lastOrder: (customerId: string) => Awaitable<OrderRow | undefined>;
  stores: () => Awaitable<PublicStore[]>;
  /** The messaging module's queue, as a step of the caller's transaction (messaging's queueStep). */
  queue: (m: NewMessage) => Awaitable<boolean>;
}) {
  const { store, repo, now } = deps;
  // On SQLite the seed is written here and now; on PostgreSQL every body waits for it first.
  const seeded = repo.seedDefaults(now());
  // A failed seed fails each body that waits for it (with its reason), not the process.
  if (seeded instanceof Promise) seeded.catch(() => undefined);

  // SQLite: the rules and the stores' status (an answer and the staffed-hours check both read it) are read once per
  // batch of webhook events (one transaction: one moment), not per message. PostgreSQL: each body reads its own (a
  // value shared across concurrent transactions would come from another's connection).
  const sqlite = store.dialect === "sqlite";
  const rulesTurn = perTurn(() => syncStep(repo.list()));
  const storesTurn = perTurn(() => syncStep(deps.stores()));
  const rules = () => (sqlite ? rulesTurn() : repo.list());
  /** The stores, read at most once per body (lazily: most answers never need them). */
  const storesOnce = () => {
    let held: PublicStore[] | undefined;
    return function* (): Step<PublicStore[]> {
      return (held ??= sqlite ? storesTurn() : yield* q(deps.stores()));
    };
  };
  type Stores = () => Step<PublicStore[]>;

  function* storeLines(stores: Stores, at: number): Step<string> {
    const list = (yield* stores()).slice(0, STORES_LISTED);
    if (list.length === 0) return "Hiện chưa có cửa hàng nào mở bán.";
    return list
      .map((s) => {
        const hours = s.status.today.map((i) => `${i.open}–${i.close}`).join(", ") || "nghỉ";
        const where = s.address ? ` — ${s.address}` : "";
        return `${s.name}${where}. Hôm nay: ${hours}${s.status.todayNote ? ` (${s.status.todayNote})` : ""}. ${statusWords(s.status, at, s.timeZone)}.`;
      })
      .join("\n");
  }

  function* orderLine(stores: Stores, customerId: string): Step<string> {
    const o = yield* q(deps.lastOrder(customerId));
    if (!o) return `Bạn chưa có đơn hàng nào. Đặt món trong mini app: ${deps.miniAppLink}`;
    const store = (yield* stores()).find((s) => s.id === o.storeId)?.name;
    return `Đơn ${o.code}${store ? ` tại ${store}` : ""} ${ORDER_STATUS_WORDS[o.status]}.`;
  }

  /** When a person will answer: null while any store is open (someone is there), else the next opening. */
  function* staffedAgainAt(stores: Stores): Step<number | null> {
    const list = yield* stores();
    if (list.length === 0 || list.some((s) => s.status.openNow)) return null;
    const next = list.map((s) => (s.status.opensAt ? Date.parse(s.status.opensAt) : Infinity)).reduce((a, b) => Math.min(a, b), Infinity);
    return Number.isFinite(next) ? next : null;
  }

  function* answer(stores: Stores, intent: AutoReplyIntent, customerId: string, at: number): Step<string> {
    switch (intent) {
      case "points": {
        const n = (yield* q(deps.balanceOf(customerId))) ?? 0;
        return `Bạn đang có ${n.toLocaleString("vi-VN")} điểm. Xem chi tiết và đổi quà trong mini app: ${deps.miniAppLink}`;
      }
      case "last_order":
        return yield* orderLine(stores, customerId);
      case "store_info":
        return yield* storeLines(stores, at);
      case "menu":
        return `Mời bạn xem thực đơn và đặt món trong mini app: ${deps.miniAppLink}`;
      case "human":
        return "Mình đã chuyển cuộc trò chuyện cho nhân viên, bạn chờ một chút nhé.";
    }
  }

  /**
   * One follower message (called by the OA webhook inside its event's transaction, a step of it). Never answers
   * the OA's own messages, nor a message it saw before (auto_reply_log's key decides, also between concurrent
   * redeliveries); the outbox's dedupe key `autoreply:<msg_id>` holds even so.
   */
  function onFollowerMessage(m: FollowerMessage): Awaitable<AutoReplyOutcome> {
    if (m.fromOa || !m.zaloMsgId || !m.customerId) return { intent: null, handoff: false };
    // Part of its webhook event's transaction (no savepoint of its own: the event is one unit).
    return store.join(function* (): Step<AutoReplyOutcome> {
      yield* q(seeded);
      const stores = storesOnce();
      const matched = matchIntent(yield* q(rules()), m.text);
      const intent = matched?.intent ?? null;
      const handoff = intent === null || intent === "human";
      const at = now();
      let text: string | null = intent && intent !== "human" ? yield* answer(stores, intent, m.customerId, at) : null;
      let notice = false;
      if (handoff) {
        const back = yield* staffedAgainAt(stores);
        if (back !== null && (yield* q(repo.lastNoticeAt(m.customerId, at - NOTICE_GAP_MS))) === null) {
          notice = true;
          text = `Cảm ơn bạn đã nhắn tin! Hiện ngoài giờ làm việc, nhân viên sẽ trả lời bạn lúc ${whenWords(back, at, deps.timeZone)}.`;
        } else if (intent === "human" && back === null) text = yield* answer(stores, "human", m.customerId, at);
      }
      if (!(yield* q(repo.log({ zaloMsgId: m.zaloMsgId, customerId: m.customerId, intent, handoff, afterHoursNotice: notice, at }))))
        return { intent, handoff };
      if (!text) return { intent, handoff };
      const dedupeKey = `autoreply:${m.zaloMsgId}`;
      yield* q(
        deps.queue({ customerId: m.customerId, category: "transactional", priority: 8, dedupeKey, source: "autoreply", text, expiresAt: at + REPLY_TTL_MS }),
      );
      return { intent, handoff, queuedMessageId: dedupeKey };
    });
  }

  /**
   * A follower shared their location (`user_send_location`): the store-hours answer for the nearest open store
   * (haversine, shared/geo.ts), or the nearest closed one with when it opens; stores without a position are left
   * out, and with none placed the usual list goes. Once per message, like a text answer.
   */
  function onLocation(m: { customerId: string; zaloMsgId: string; event: { message?: { attachments?: unknown } }; at: number }): Awaitable<AutoReplyOutcome> {
    const here = locationOf(m.event);
    if (!here) return { intent: null, handoff: false };
    return store.join(function* (): Step<AutoReplyOutcome> {
      yield* q(seeded);
      const at = now();
      const rule = (yield* q(rules())).find((r) => r.intent === "store_info");
      if (rule && !rule.enabled) return { intent: null, handoff: false };
      const stores = storesOnce();
      const list = yield* stores();
      const best = nearestStore(
        here,
        list.map((s) => ({ ...s, openNow: s.status.openNow })),
      );
      let text: string;
      if (!best) text = yield* storeLines(stores, at);
      else {
        const s = best.store;
        const hours = s.status.today.map((i) => `${i.open}–${i.close}`).join(", ") || "nghỉ";
        const lead = s.openNow ? "Cửa hàng gần bạn nhất đang mở" : "Hiện chưa có cửa hàng nào mở; gần bạn nhất là";
        text = `${lead}: ${s.name}${s.address ? ` — ${s.address}` : ""}, cách khoảng ${distanceWords(best.meters)}. Hôm nay: ${hours}. ${statusWords(s.status, at, s.timeZone)}.`;
      }
      if (!(yield* q(repo.log({ zaloMsgId: m.zaloMsgId, customerId: m.customerId, intent: "store_info", handoff: false, afterHoursNotice: false, at }))))
        return { intent: "store_info", handoff: false };
      const dedupeKey = `autoreply:${m.zaloMsgId}`;
      yield* q(
        deps.queue({ customerId: m.customerId, category: "transactional", priority: 8, dedupeKey, source: "autoreply", text, expiresAt: at + REPLY_TTL_MS }),
      );
      return { intent: "store_info", handoff: false, queuedMessageId: dedupeKey };
    });
  }

  // ---- admin ----

  const list = async () => (await seeded, await repo.list());

  async function save(actor: Actor, intent: AutoReplyIntent, input: AutoReplyRuleInput) {
    const r = input; // checked by the route (AutoReplyRuleInput: trimmed, each keyword has a letter or digit)
    // The same keyword twice (in any spelling) is one keyword.
    const seen = new Set<string>();
    const keywords = r.keywords.filter((k) => {
      const n = normaliseText(k);
      return seen.has(n) ? false : (seen.add(n), true);
    });
    await seeded;
    return store.tx(function* () {
      const at = now();
      if (!(yield* q(repo.save(intent, { ...r, keywords }, actor.id, at)))) throw new AppError(ErrorCode.NOT_FOUND, `No auto-reply rule ${intent}`);
      rulesTurn.clear();
      yield* q(audit(store, { actor, action: "auto_reply.set", targetId: intent, details: { keywords, priority: r.priority, enabled: r.enabled }, at }));
      return (yield* q(repo.list())).find((x) => x.intent === intent)!;
    });
  }

  return { onFollowerMessage, onLocation, list, save };
}

export type AutoReplyService = ReturnType<typeof createAutoReplyService>;
