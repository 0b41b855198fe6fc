/**
 * The real API for the inbox benchmark (bench/inbox.ts), in its own process, on a file database seeded here
 * directly in SQLite before the server opens it. `BENCH_INBOX_PART=ingest`: BENCH_INBOX_FOLLOWERS followers
 * (their OA-scoped ids `8800…`, as the parent's signed events name them) and five stores. `list`:
 * BENCH_INBOX_CONVERSATIONS people, each with a conversation and its messages (skewed counts, mean ≈ 6),
 * the FTS index filled by its trigger as the product fills it. The dispatcher is off (answers stay queued in
 * the outbox: ingest is what is measured). The Zalo emulator runs idle in this process (the API's Zalo URLs).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { openDb } from "@mc/server/db/client";
import { TEST_ENV } from "@mc/server/test-support";
import { nameKey, searchKey } from "@mc/server/modules/customers/search-key";
import { benchApiEnv, seedOpenRules } from "./shared";

const PART = process.env.BENCH_INBOX_PART ?? "ingest";
const FOLLOWERS = Number(process.env.BENCH_INBOX_FOLLOWERS ?? 5_000);
const CONVERSATIONS = Number(process.env.BENCH_INBOX_CONVERSATIONS ?? 100_000);
const DAY = 86_400_000;

const oaUserId = (i: number) => `8800${String(i).padStart(12, "0")}`;
const appUserId = (i: number) => `7700${String(i).padStart(12, "0")}`;
const STORE_IDS = ["st-q1", "st-q3", "st-bt", "st-td", "st-hn"];

// A deterministic generator: every run seeds the same shop.
let seed = 0x9e3779b9;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Hoài", "Quốc", "Gia", "Bảo", "Thu", "Xuân"];
const GIVEN = [
  "An",
  "Bình",
  "Châu",
  "Dũng",
  "Giang",
  "Hà",
  "Hải",
  "Hạnh",
  "Hiếu",
  "Hoa",
  "Hùng",
  "Hương",
  "Khánh",
  "Lan",
  "Linh",
  "Long",
  "Mai",
  "Nam",
  "Nga",
  "Phúc",
  "Quân",
  "Sơn",
  "Tâm",
  "Thảo",
  "Trang",
  "Trung",
  "Tú",
  "Vy",
  "Yến",
];
const INBOUND = [
  "còn bao nhiêu điểm",
  "Đơn hàng của mình tới đâu rồi ạ",
  "quán mở cửa mấy giờ vậy",
  "cho mình xin menu",
  "cho gặp nhân viên",
  "mình muốn đổi size ly trà sữa hôm qua",
  "hôm nay có khuyến mãi gì không shop",
  "bánh flan còn không ạ",
  "mình quên mang thẻ thành viên, tích điểm được không",
  "giao hàng tới Bình Thạnh mất bao lâu",
  "cảm ơn shop nhiều nha",
  "ly cà phê sữa đá hôm nay hơi ngọt",
  "đặt bàn 6 người tối thứ bảy được không",
  "voucher sinh nhật dùng thế nào",
];
const OUTBOUND = [
  "Bạn đang có 1.250 điểm. Xem chi tiết và đổi quà trong mini app",
  "Dạ shop đã nhận, nhân viên sẽ kiểm tra giúp bạn ngay ạ",
  "Cửa hàng mở cửa từ 7:00 đến 22:00 mỗi ngày",
  "Mời bạn xem thực đơn và đặt món trong mini app",
  "Dạ bạn cho shop xin mã đơn nhé",
  "Cảm ơn bạn đã ủng hộ quán!",
];

function seedStores(db: ReturnType<typeof openDb>, t: number) {
  const st = db.$client.prepare("insert into stores (id, name, address, active, created_at) values (?, ?, ?, 1, ?)");
  const names = ["Quận 1", "Quận 3", "Bình Thạnh", "Thủ Đức", "Hà Nội"];
  STORE_IDS.forEach((id, i) => st.run(id, `Trà Sữa Mây — ${names[i]}`, `${10 + i} Lê Lợi, ${names[i]}`, t));
}

/** People `c<i>`, OA-scoped ids as Zalo's webhooks name them, names as the CRM stores them (search key + FTS). */
function seedPeople(db: ReturnType<typeof openDb>, n: number, t: number, balances: boolean) {
  const insert = db.$client.prepare(
    `insert into customers (id, zalo_id, zalo_oa_id, phone, name, search_name, member_code, follows_oa, points_balance, last_interaction_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  for (let i = 0; i < n; i++) {
    const name = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
    const phone = `849${String(10_000_000 + i * 7).slice(-8)}`;
    insert.run(`c${i}`, appUserId(i), oaUserId(i), phone, name, nameKey(name), `M${i}`, balances ? Math.floor(rnd() * 3000) : 0, t - DAY, t - 30 * DAY, t);
  }
}

/**
 * One conversation per person and its messages: counts skewed like a real inbox (most people wrote once or
 * twice, a few regulars hundreds of times; mean ≈ 6), in and out alternating, over the last 90 days.
 * Open ≈ 20 % (a third of those unread), needs a person ≈ 2 %.
 */
function seedConversations(db: ReturnType<typeof openDb>, n: number, t: number) {
  const c = db.$client;
  const conv = c.prepare(
    `insert into conversations (id, customer_id, status, store_id, unread, needs_person, last_message_at, last_inbound_at, last_preview, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const msg = c.prepare(
    `insert into conversation_messages (conversation_id, direction, kind, text, search_text, zalo_msg_id, state, at, delivered_at, seen_at)
     values (?, ?, 'text', ?, ?, ?, ?, ?, ?, ?)`,
  );
  let messages = 0;
  for (let i = 0; i < n; i++) {
    const count = Math.min(400, 1 + Math.floor(-Math.log(1 - rnd()) * 5));
    const last = t - Math.floor(rnd() ** 2 * 90 * DAY);
    const first = last - Math.floor(rnd() * Math.min(count, 60) * DAY);
    const id = `conv-${i}`;
    const open = rnd() < 0.2;
    const unread = open && rnd() < 0.35 ? 1 + Math.floor(rnd() * 3) : 0;
    const needs = open && rnd() < 0.1 ? 1 : 0;
    let lastText = "";
    let lastIn: number | null = null;
    const rows: [string, string, number][] = [];
    for (let k = 0; k < count; k++) {
      const at = count === 1 ? last : first + Math.floor(((last - first) * k) / (count - 1));
      const dir = k % 2 === 0 || k === count - 1 ? "in" : "out";
      const text = dir === "in" ? pick(INBOUND) : pick(OUTBOUND);
      rows.push([dir, text, at]);
      if (dir === "in") lastIn = at;
      lastText = text;
    }
    conv.run(id, `c${i}`, open ? "open" : "closed", pick(STORE_IDS), unread, needs, last, lastIn, lastText.slice(0, 120), first, last);
    for (const [dir, text, at] of rows) {
      messages++;
      msg.run(
        id,
        dir,
        text,
        searchKey(text),
        `m${messages}`,
        dir === "in" ? "received" : "seen",
        at,
        dir === "out" ? at + 2000 : null,
        dir === "out" ? at + 60_000 : null,
      );
    }
  }
  return messages;
}

const dir = mkdtempSync(join(tmpdir(), "mc-inbox-"));
const dbPath = join(dir, "inbox.db");
const seedDb = openDb(dbPath);
const t0 = performance.now();
const tNow = Date.now();
let seeded: Record<string, number> = {};
seedDb.$client.transaction(() => {
  seedStores(seedDb, tNow);
  seedOpenRules(seedDb, tNow);
  if (PART === "list") {
    seedPeople(seedDb, CONVERSATIONS, tNow, true);
    seeded = { customers: CONVERSATIONS, conversations: CONVERSATIONS, messages: seedConversations(seedDb, CONVERSATIONS, tNow) };
  } else {
    seedPeople(seedDb, FOLLOWERS, tNow, true);
    seeded = { customers: FOLLOWERS };
  }
})();
seedDb.$client.pragma("analyze");
seedDb.$client.pragma("wal_checkpoint(TRUNCATE)");
seedDb.$client.close();
const seedMs = performance.now() - t0;

const emu = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), logger: false });
const emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const config = loadConfig({ ...benchApiEnv(emuUrl, dbPath), DISPATCHER_ENABLED: "false", DASHBOARD_JOB_ENABLED: "false" });
const app = await buildApp({ config, logger: false });
const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const sqlite = app.services.db.$client;
let walMax = 0;
setInterval(() => {
  try {
    walMax = Math.max(walMax, statSync(`${dbPath}-wal`).size);
  } catch {}
}, 250).unref();

/** What the ingest wrote, read straight from the database: one of each per event answered 2xx. */
function check() {
  const n = (sql: string) => (sqlite.prepare(sql).pluck().get() as number) ?? 0;
  return {
    walMaxBytes: walMax,
    textEvents: n("select count(*) from webhook_events where event_name = 'user_send_text'"),
    tagEvents: n("select count(*) from webhook_events where event_name = 'add_user_to_tag'"),
    inboundMessages: n("select count(*) from conversation_messages where direction = 'in'"),
    conversations: n("select count(*) from conversations"),
    unreadTotal: n("select coalesce(sum(unread), 0) from conversations"),
    autoReplyDecisions: n("select count(*) from auto_reply_log"),
    handoffs: n("select count(*) from auto_reply_log where handoff = 1"),
    needsPerson: n("select count(*) from conversations where needs_person = 1"),
    answersQueued: n("select count(*) from outbox where source = 'autoreply'"),
    duplicateAnswers: n("select count(*) from (select dedupe_key from outbox where source = 'autoreply' group by dedupe_key having count(*) > 1)"),
  };
}

process.on("message", async (m: { type: string }) => {
  if (m.type === "cpu") {
    const u = process.cpuUsage();
    process.send!({ type: "cpu", us: u.user + u.system, loopMs: performance.eventLoopUtilization().active });
  } else if (m.type === "check") {
    process.send!({ type: "check", result: check() });
  } else if (m.type === "stop") {
    await app.close();
    await emu.app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send!({
  type: "ready",
  url,
  seedMs,
  seeded,
  tNow,
  zalo: { appId: TEST_ENV.ZALO_APP_ID, oaId: TEST_ENV.ZALO_OA_ID, secret: TEST_ENV.ZALO_OA_SECRET_KEY },
  admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD },
});
