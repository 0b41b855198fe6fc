import {
  BroadcastInput,
  CampaignInput,
  ErrorCode,
  GameCampaignInput,
  MenuCategoryInput,
  ProductInput,
  localDate,
  tzOffsetMinutes,
  WEEKDAYS,
  ZnsTemplateInput,
  type CartItem,
  type CustomerPrefs,
  type HoursException,
  type MenuProduct,
  type QrLinkBody,
  type WeekHours,
} from "@mc/shared";
import { Agent, request } from "node:http";
import type { z } from "zod";
import type { Config } from "../config";
import { buildContainer } from "../container";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Principal } from "../http/auth";
import { audit, SYSTEM } from "../lib/audit";
import { seedDemoMenu } from "./menu";
import { birthDate, mobileNumber, OA_QUESTIONS, personName } from "./people";
import { createRng, type Rng } from "./random";
import { createDemoRepo, HISTORY_MARK, type DemoRepo } from "./repo";

/**
 * The demo's history: a few hundred customers and about two months of their life with the shop, so the dashboard,
 * the customer list and the timelines have something to show. Everything goes through the product's own services
 * (built by `buildContainer` over the database, with a clock this generator moves), and the Zalo side is played
 * by the emulator: its users are the people (Graph /me names them at sign-in, their phone tokens are exchanged),
 * its clock follows the history's, and the dispatcher sends the outbox to it. The events Zalo would send
 * (follow, unfollow, a user's message, delivery and seen receipts) go to the OA service the webhook route calls.
 * Seeded: the same seed and "today" give the same people and the same story. Run once: a marker in the audit
 * log makes a second run a no-op.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The demo shop's two stores (seedDemo creates the same ones). */
export const DEMO_STORES = [
  { id: "q1-nguyen-hue", name: "Cà Phê Sài Gòn · Nguyễn Huệ", address: "42 Nguyễn Huệ, Quận 1, TP.HCM" },
  { id: "q3-vo-van-tan", name: "Cà Phê Sài Gòn · Võ Văn Tần", address: "15 Võ Văn Tần, Quận 3, TP.HCM" },
] as const;
type StoreId = (typeof DEMO_STORES)[number]["id"];

/** Mùng 1 Tết (the lunar new year) in the coming years. */
const TET = ["2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23", "2032-02-11"];

/**
 * The demo shop's opening hours: 07:00–22:00 every day (the history's visits and pickups fall inside), closed on the
 * next Mùng 1 Tết and short hours on Mùng 2. The holidays come after `today`, so the history's own days are ordinary.
 */
export function demoStoreHours(today: number, timeZone: string): { week: WeekHours; exceptions: HoursException[] } {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "07:00", close: "22:00" }]])) as WeekHours;
  const tet = TET.find((d) => d > localDate(today, timeZone));
  if (!tet) return { week, exceptions: [] };
  const next = new Date(Date.parse(`${tet}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    week,
    exceptions: [
      { date: tet, intervals: [], note: "Mùng 1 Tết" },
      { date: next, intervals: [{ open: "09:00", close: "17:00" }], note: "Mùng 2 Tết" },
    ],
  };
}
/** The emulator's seeded care template (tag 2, by UID or phone). */
const CARE_TEMPLATE = "100002";

type Log = { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };
const SILENT: Log = { info: () => {}, warn: () => {}, error: () => {} };

export type DemoHistoryOptions = {
  db: Db;
  /** The server's configuration (its Zalo base URLs point at the emulator). */
  config: Config;
  /** The emulator's base URL, for its control API (`/_emu/…`). */
  emulatorUrl: string;
  /** "Today": the history ends here. Default: now. */
  now?: number;
  days?: number;
  customers?: number;
  seed?: number;
  log?: Log;
};

export type DemoHistoryResult =
  { skipped: string } | { skipped: null; ms: number; counts: Record<string, number>; refused: Record<string, number>; customers: number; days: number };

type Job = { at: number; seq: number; run: () => unknown };

/** A min-heap of jobs by time, then by the order they were scheduled (so equal times replay the same way). */
function agenda() {
  const heap: Job[] = [];
  let seq = 0;
  const less = (a: Job, b: Job) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  return {
    get size() {
      return heap.length;
    },
    push(at: number, run: () => unknown) {
      heap.push({ at, seq: seq++, run });
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!less(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    },
    pop(): Job {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      return top;
    },
  };
}

/** One demo person: who they are, and how they tend to behave (drawn once, from their own stream). */
type Profile = {
  i: number;
  rng: Rng;
  name: string;
  appUserId: string;
  oaUserId: string;
  phone: string | null;
  /** Shares the phone at the first sign-in, or at the first order. */
  phoneEarly: boolean;
  birth: string | null;
  arrivalDay: number;
  /** Visits a week. */
  rate: number;
  /** Stops coming after this day (moved, changed jobs…). */
  churnDay: number | null;
  home: StoreId;
  /** Share of visits at the other store. */
  away: number;
  /** Share of visits ordered in the mini app rather than bought at the counter. */
  orders: number;
  /** Follows the OA this long after arriving (null: never). */
  followAfter: number | null;
  source: string;
  /** Unfollows this long after following (null: stays). */
  unfollowAfter: number | null;
  /** Chance per visit of playing the wheel, of writing to the OA. */
  gamer: number;
  chatty: number;
  /** Had points on the old paper card (moved over by the shop on their first visit). */
  paperPoints: number;
  tags: string[];
  prefs: CustomerPrefs | null;
  // state
  id?: string;
  memberCode?: string;
  follows: boolean;
  phoneShared: boolean;
  /** May hold a voucher (claimed one, won one, or followed with a prize waiting): only then is the wallet looked at. */
  wallet: boolean;
};

/** The demo's people, drawn from the seed alone (each from their own stream): the same seed, the same people. */
function demoPeople(root: Rng, total: number, days: number): Profile[] {
  const phones = new Set<string>();
  function profile(i: number): Profile {
    const r = root.fork(`person:${i}`);
    const { name } = personName(r);
    const regular = i < Math.round(total * 0.1);
    // The shop grows: most of its people arrive in the later weeks; its regulars were there from the start.
    const arrivalDay = regular ? r.int(0, 2) : Math.min(days - 1, Math.floor((r.chance(0.6) ? Math.sqrt(r.next()) : r.next()) * days));
    // Most members come now and then, a few most days: visits a week.
    const rate = regular
      ? r.weighted([
          [0.6, 40],
          [1, 40],
          [1.6, 20],
        ] as const)
      : r.weighted([
          [0.1, 35],
          [0.2, 30],
          [0.4, 20],
          [0.8, 12],
          [1.5, 3],
        ] as const);
    const home: StoreId = r.chance(0.68) ? DEMO_STORES[0].id : DEMO_STORES[1].id;
    const follows = r.chance(regular ? 0.9 : 0.72);
    const followAfter = !follows ? null : r.chance(0.55) ? r.int(1, 8) * MINUTE : r.int(1, 12) * DAY + r.int(0, 10) * HOUR;
    const phone = r.chance(0.55) ? mobileNumber(r, phones) : null;
    return {
      i,
      rng: r,
      name,
      appUserId: appUserIdOf(i),
      oaUserId: oaUserIdOf(i),
      phone,
      phoneEarly: r.chance(0.6),
      birth: r.chance(0.35) ? birthDate(r) : null,
      arrivalDay,
      rate,
      churnDay: r.chance(0.18) ? r.int(arrivalDay, days) : null,
      home,
      away: r.chance(0.2) ? 0.3 : 0.03,
      orders: r.weighted([
        [0, 30],
        [0.15, 30],
        [0.35, 28],
        [0.7, 12],
      ] as const),
      followAfter,
      // At the counter's QR standee or from the mini app on the first visit; later from the OA's profile or a search.
      source:
        followAfter !== null && followAfter < HOUR
          ? r.weighted([
              ["qr_code", 55],
              ["mini_app", 45],
            ] as const)
          : r.weighted([
              ["oa_profile", 70],
              ["search", 30],
            ] as const),
      unfollowAfter: r.chance(0.07) ? r.int(2, 30) * DAY : null,
      gamer: r.weighted([
        [0, 45],
        [0.15, 35],
        [0.4, 20],
      ] as const),
      chatty: r.chance(0.3) ? 0.15 : 0,
      paperPoints: regular ? r.int(5, 40) * 10 : 0,
      tags: [...(regular ? ["khách-quen"] : []), ...(r.chance(0.07) ? ["văn-phòng"] : []), ...(r.chance(0.04) ? ["vip"] : [])],
      prefs: r.chance(0.06)
        ? { offersPerWeek: 1, pausedUntil: null, mutedCategories: [] }
        : r.chance(0.03)
          ? { offersPerWeek: null, pausedUntil: null, mutedCategories: ["promotion"] }
          : null,
      follows: false,
      phoneShared: false,
      wallet: false,
    };
  }
  return Array.from({ length: total }, (_, i) => profile(i));
}

/** The emulator's control API over plain keep-alive HTTP: a thousand small calls cost a fraction of what fetch's would. */
function emulatorControl(url: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const base = new URL(url);
  function call<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const headers = payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
      const req = request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          // 409: that Zalo user exists already (a second run in the same process).
          if (status >= 400 && status !== 409) reject(new Error(`emulator ${method} ${path} → ${status} ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  }
  return { call, close: () => agent.destroy() };
}

// Zalo ids are long digit strings; fixed per person (not per seed), so a rerun or a restart finds the same people.
const appUserIdOf = (i: number) => String(4_300_000_000_000_000_000n + BigInt(i + 1));
const oaUserIdOf = (i: number) => String(5_200_000_000_000_000_000n + BigInt(i + 1));
const BARISTA = { name: "Đỗ Thị Thu Hà", appUserId: "3100000000000000001", oaUserId: "3200000000000000001" };

/**
 * A restarted demo has a new emulator that knows none of the demo's people: they get their Zalo accounts back as
 * the database knows them (name, phone, following or not, last interaction), so messages to them still go.
 */
async function rejoinZalo(o: DemoHistoryOptions, reads: DemoRepo, customers: number) {
  const zalo = emulatorControl(o.emulatorUrl);
  try {
    const ids = [BARISTA.appUserId, ...Array.from({ length: customers }, (_, i) => appUserIdOf(i))];
    const accounts = reads.zaloAccounts(ids);
    for (let i = 0; i < accounts.length; i += 25)
      await Promise.all(
        accounts.slice(i, i + 25).map((a) =>
          zalo.call("POST", "/_emu/users", {
            name: a.name,
            appUserId: a.zaloId,
            ...(a.zaloOaId ? { oaUserId: a.zaloOaId } : {}),
            ...(a.phone ? { phone: a.phone } : {}),
            follower: a.followsOa === 1,
            ...(a.lastInteractionAt !== null ? { lastInteractionAt: a.lastInteractionAt } : {}),
          }),
        ),
      );
    return accounts.length;
  } finally {
    zalo.close();
  }
}

export async function seedDemoHistory(o: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const startedAt = Date.now();
  const reads = createDemoRepo(o.db);
  const mark = reads.historyMark();
  if (mark !== undefined) {
    const { customers = 0 } = JSON.parse(mark ?? "{}") as { customers?: number };
    const rejoined = await rejoinZalo(o, reads, customers);
    return { skipped: `the demo history is already there (${rejoined} of its people back on the emulator)` };
  }
  // A shop's real database is not the place for made-up people.
  if (reads.customerCount() > 50) return { skipped: "this database already has customers of its own" };
  const operatorId = reads.firstOperatorId();
  if (!operatorId) throw new Error("The demo history needs a console admin to record the shop's own actions (set ADMIN_EMAIL and ADMIN_PASSWORD)");

  const log = o.log ?? SILENT;
  const days = o.days ?? 60;
  const total = o.customers ?? 300;
  const seed = o.seed ?? 20_261_202;
  const end = o.now ?? Date.now();
  const tz = o.config.SHOP_TIME_ZONE;
  const root = createRng(seed);
  const draws = root.fork("draws");
  const receipts = root.fork("receipts");

  // ---- time: the shop's days, day 0 two months ago, day `days` today ----

  const offset = (at: number) => tzOffsetMinutes(tz, at) * MINUTE;
  const todayStart = Math.floor((end + offset(end)) / DAY) * DAY - offset(end);
  /** Local midnight of day `k`. */
  const dayStart = (k: number) => todayStart - (days - k) * DAY;
  const at = (k: number, hour: number, minute = 0) => dayStart(k) + hour * HOUR + minute * MINUTE;
  /** 0 = Sunday, in the shop's calendar. */
  const weekday = (k: number) => new Date(dayStart(k) + offset(dayStart(k)) + HOUR).getUTCDay();
  const dayOf = (ms: number) => Math.floor((ms - dayStart(0)) / DAY);

  /** When a customer drops by: the morning coffee rush, lunch, the afternoon, a few in the evening. */
  function visitTime(r: Rng, k: number) {
    const [from, to] = r.weighted([
      [[7, 9], 34],
      [[9, 11], 14],
      [[11, 13.5], 25],
      [[13.5, 17], 17],
      [[17, 21], 10],
    ] as const);
    return dayStart(k) + Math.floor((from + r.next() * (to - from)) * HOUR);
  }

  // The history's clock: every service reads it; only the agenda below moves it, never backwards.
  let t = dayStart(0);
  const now = () => t;
  const c = buildContainer({
    // The dispatcher's token buckets wait in real time: a day's sends must not take a real second.
    config: { ...o.config, DISPATCH_RATE_PER_SECOND: 100_000 },
    db: o.db,
    now,
    log,
    issueToken: () => "",
    process: "dispatcher",
    randomInt: (max) => Math.floor(draws.next() * max),
  });
  const operator: Principal = { kind: "operator", id: operatorId, console: "owner", role: "admin", storeIds: [] };
  const self = (id: string): Principal => ({ kind: "customer", id, role: "customer", storeIds: [] });
  const { ZALO_APP_ID: appId, ZALO_OA_ID: oaId } = o.config;

  // ---- the emulator: Zalo's side of every person ----

  const zalo = emulatorControl(o.emulatorUrl);
  const emu = zalo.call;
  const emuStart = (await emu<{ now: number }>("GET", "/_emu/clock")).now;
  let emuSetAt = -Infinity;
  /**
   * Zalo's clock to the history's, within a few hours: what Zalo checks against it here is the CS window (a week);
   * its tokens are issued and checked on the same clock within the same minute.
   */
  async function emuClock() {
    if (Math.abs(t - emuSetAt) < 3 * HOUR) return;
    await emu("POST", "/_emu/clock", { now: t });
    emuSetAt = t;
  }

  // ---- the agenda ----

  const jobs = agenda();
  const refused: Record<string, number> = {};
  /** Runs at `when` (dropped when after today's now). A refusal by a service is part of the story: counted, not fatal. */
  const schedule = (when: number, run: () => unknown) => {
    if (when <= end) jobs.push(Math.max(when, t), run);
  };
  async function attempt(run: () => unknown) {
    try {
      await run();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused[err.code] = (refused[err.code] ?? 0) + 1;
    }
  }

  // ---- the shop: stores, staff, menu, offers, the wheel ----

  const staffOf = new Map<StoreId, Principal>();
  let menus = new Map<StoreId, MenuProduct[]>();
  const campaigns = { welcome: "", reward: "", prize: "" };
  const rewardCost = 30;
  const links = new Map<StoreId, QrLinkBody>();
  const bills = new Map<StoreId, number>();

  /** Opens the mini app: a Zalo user token, verified by the server at Graph /me (a person or a demo persona). */
  async function signIn(who: { appUserId: string } | { persona: string }) {
    await emuClock();
    const path = "persona" in who ? `/_emu/personas/${who.persona}/login` : `/_emu/users/${who.appUserId}/token`;
    const { accessToken } = await emu<{ accessToken: string }>("POST", path);
    return c.identity.loginWithZalo(accessToken);
  }

  async function openShop() {
    for (const s of DEMO_STORES) {
      try {
        c.stores.create({ ...s, ...demoStoreHours(end, tz) });
      } catch (err) {
        if (!(err instanceof AppError && err.code === ErrorCode.CONFLICT)) throw err;
      }
      bills.set(s.id, 0);
    }
    // The staff persona runs the counter at Nguyễn Huệ; Võ Văn Tần has its own barista.
    const khoa = await signIn({ persona: "staff" });
    c.customers.setRole(operator, khoa.customer.id, "staff", [DEMO_STORES[0].id]);
    await emu("POST", "/_emu/users", BARISTA);
    const ha = await signIn(BARISTA);
    c.customers.setRole(operator, ha.customer.id, "staff", [DEMO_STORES[1].id]);
    for (const [store, id] of [
      [DEMO_STORES[0].id, khoa.customer.id],
      [DEMO_STORES[1].id, ha.customer.id],
    ] as const)
      staffOf.set(store, (await c.identity.loadPrincipal({ sub: id, kind: "customer" }))!);

    await ensureMenu();
    menus = new Map(await Promise.all(DEMO_STORES.map(async (s) => [s.id, (await c.menu.menu(s.id)).categories.flatMap((k) => k.products)] as const)));

    const existing = new Map((await c.vouchers.listCampaigns()).map((k) => [k.name, k.id]));
    const campaign = async (input: z.input<typeof CampaignInput>) =>
      existing.get(input.name) ?? (await c.vouchers.createCampaign(operator, CampaignInput.parse(input))).id;
    campaigns.welcome = await campaign({
      name: "Quà chào bạn mới",
      description: "Giảm 15.000đ cho đơn từ 45.000đ khi bạn quan tâm Zalo OA của quán.",
      kind: "amount_off",
      value: 15_000,
      minSpendVnd: 45_000,
      requiresFollow: true,
      // A stock the console shows against what was issued ("85 / 300").
      stock: 300,
      validDaysAfterClaim: 14,
    });
    campaigns.reward = await campaign({
      name: `Đổi ${rewardCost} điểm: Cà phê sữa đá`,
      description: "Một ly cà phê sữa đá miễn phí, đổi bằng điểm thưởng.",
      kind: "free_item",
      value: 0,
      freeItem: "Cà phê sữa đá",
      costPoints: rewardCost,
      perCustomerLimit: 10,
      validDaysAfterClaim: 30,
    });
    campaigns.prize = await campaign({
      name: "Vòng quay: giảm 10.000đ",
      description: "Quà từ vòng quay may mắn tại quán.",
      kind: "amount_off",
      value: 10_000,
      listed: false,
      stock: 500, // as many as the wheel's prize slice gives out
      validDaysAfterClaim: 7,
    });

    // Two games, one per store: the wheel at Nguyễn Huệ, a scratch card at Võ Văn Tần (the shop's own, or new ones).
    const [first, second] = DEMO_STORES;
    const gameAt = async (storeId: StoreId, input: Omit<z.input<typeof GameCampaignInput>, "storeIds">) =>
      (await c.games.listGames(operator)).find((g) => g.kind === input.kind && g.active && g.storeIds.includes(storeId)) ??
      (await c.games.createGame(operator, GameCampaignInput.parse({ ...input, storeIds: [storeId] })));
    const games = [
      await gameAt(first.id, {
        name: "Vòng quay may mắn",
        description: "Quét mã QR trên quầy, mỗi ngày một lượt quay.",
        kind: "wheel",
        dailyPrizeBudgetPerStore: 40,
        prizes: [
          { label: "Chúc bạn may mắn lần sau", kind: "none", weight: 45 },
          { label: "+5 điểm", kind: "points", points: 5, weight: 30 },
          { label: "Giảm 10.000đ", kind: "voucher", voucherCampaignId: campaigns.prize, weight: 15, stock: 500, requiresFollow: true },
          { label: "+20 điểm", kind: "points", points: 20, weight: 8 },
          { label: "+50 điểm", kind: "points", points: 50, weight: 2, stock: 30 },
        ],
      }),
      await gameAt(second.id, {
        name: "Thẻ cào Võ Văn Tần",
        description: "Cào thẻ tại quầy, mỗi ngày một thẻ: quà vào ví Zalo.",
        kind: "scratch",
        dailyPrizeBudgetPerStore: 25,
        prizes: [
          { label: "Chúc bạn may mắn lần sau", kind: "none", weight: 50 },
          { label: "+10 điểm", kind: "points", points: 10, weight: 30 },
          { label: "Giảm 10.000đ", kind: "voucher", voucherCampaignId: campaigns.prize, weight: 15, stock: 300, requiresFollow: true },
          { label: "+30 điểm", kind: "points", points: 30, weight: 5, stock: 40 },
        ],
      }),
    ];
    // The care template the shop registered with Zalo: the keep-warm floor and care broadcasts reach followers by UID
    // with it, beyond the free CS window.
    if (!c.messaging.templates().some((x) => x.id === CARE_TEMPLATE)) {
      c.messaging.registerTemplate(
        operator,
        ZnsTemplateInput.parse({
          id: CARE_TEMPLATE,
          name: "Chăm sóc khách hàng",
          tag: 2,
          params: [
            { name: "customer_name", maxLength: 30 },
            { name: "content", maxLength: 90 },
          ],
        }),
      );
      const { rules } = c.messaging.rules();
      c.messaging.setRules(operator, { ...rules, floor: { ...rules.floor, templateId: CARE_TEMPLATE } }, "Tin giữ ấm gửi bằng mẫu chăm sóc khách hàng");
      // The demo shop has no promotion template approved yet, so it chose (in the console, knowing the risk) to send
      // its offers to followers by CS; a real shop starts with the switch off.
      const now = c.messaging.rules().rules;
      c.messaging.setRules(operator, { ...now, zalo: { ...now.zalo, promotionsByCs: true } }, "Gửi ưu đãi qua tin tư vấn khi chưa có mẫu khuyến mãi");
    }

    for (const game of games)
      for (const l of await c.games.links(operator, game.id)) {
        const q = new URL(l.url).searchParams;
        links.set(l.storeId as StoreId, { store: q.get("store") ?? "", campaign: q.get("campaign") ?? "", sig: q.get("sig") ?? "" });
      }
  }

  /** The demo menu (demo/menu.ts), unless the shop already has one (then its orders use that one). */
  async function ensureMenu() {
    await seedDemoMenu(
      {
        productCount: async () => (await c.menu.listProducts()).length,
        createCategory: async (input) => c.menu.createCategory(operator, MenuCategoryInput.parse(input)),
        createProduct: async (input) => c.menu.createProduct(operator, ProductInput.parse(input)),
        uploadImage: (png) => c.menu.uploadImage(operator, png),
      },
      [DEMO_STORES[0].id, DEMO_STORES[1].id],
    );
  }

  // ---- the people ----

  const people = demoPeople(root, total, days);

  /** The first time someone opens the mini app: the customer is born (Graph /me names them). */
  async function arrive(p: Profile, first: number) {
    const { customer } = await signIn(p);
    p.id = customer.id;
    p.memberCode = (await c.loyalty.summary(customer.id)).memberCode;
    if (p.phone && p.phoneEarly) await sharePhone(p);
    const r = p.rng;
    if (p.birth) schedule(t + r.int(1, 5) * MINUTE, () => c.customers.setBirthDate(self(p.id!), p.id!, p.birth));
    if (p.prefs) schedule(t + r.int(2, 20) * DAY, () => c.messaging.setPrefs(p.id!, p.prefs!));
    if (p.paperPoints)
      schedule(t + MINUTE, () =>
        c.loyalty.adjust({
          actor: operator,
          customerId: p.id!,
          delta: p.paperPoints,
          reason: "Chuyển điểm từ thẻ tích điểm giấy",
          idempotencyKey: `demo:paper:${p.i}`,
        }),
      );
    if (p.tags.length) schedule(at(Math.min(days, p.arrivalDay + r.int(1, 6)), 9, r.int(0, 59)), () => c.customers.setTags(operator, p.id!, p.tags));
    if (p.followAfter !== null) schedule(t + p.followAfter, () => follow(p));
    schedule(first, () => visit(p, true));
    for (let k = p.arrivalDay + 1; k <= days; k++) {
      if (p.churnDay !== null && k > p.churnDay) break;
      const w = weekday(k);
      const busy = w === 6 ? 1.35 : w === 0 ? 1.25 : w === 1 ? 0.9 : 1;
      if (r.chance(Math.min(0.95, (p.rate / 7) * busy))) schedule(visitTime(r, k), () => visit(p, false));
    }
  }

  async function sharePhone(p: Profile) {
    await emuClock();
    const { token } = await emu<{ token: string }>("POST", `/_emu/users/${p.appUserId}/phone-token`);
    // As the mini app does: a Zalo token fetched now goes with the phone token.
    const { accessToken } = await emu<{ accessToken: string }>("POST", `/_emu/users/${p.appUserId}/token`);
    await c.identity.sharePhone(p.id!, { phoneToken: token, accessToken });
    p.phoneShared = true;
  }

  // ---- Zalo's events, as the webhook route hands them to the OA service ----

  async function follow(p: Profile) {
    if (p.follows) return;
    await emuClock();
    await emu("PATCH", `/_emu/users/${p.appUserId}`, { follower: true, lastInteractionAt: t });
    c.oa.handleEvent({
      app_id: appId,
      oa_id: oaId,
      user_id_by_app: p.appUserId,
      event_name: "follow",
      follower: { id: p.oaUserId },
      source: p.source,
      timestamp: String(t),
    });
    p.follows = true;
    p.wallet = true;
    const r = p.rng;
    // Following from the counter's standee is for the welcome offer: most claim it right away.
    if (p.followAfter !== null && p.followAfter < HOUR && r.chance(0.7))
      schedule(t + r.int(1, 3) * MINUTE, () => c.vouchers.claim(p.id!, campaigns.welcome, `welcome-${p.i}`));
    if (p.unfollowAfter !== null) {
      schedule(t + p.unfollowAfter, () => unfollow(p));
      p.unfollowAfter = null;
    }
  }

  async function unfollow(p: Profile) {
    if (!p.follows) return;
    await emuClock();
    await emu("PATCH", `/_emu/users/${p.appUserId}`, { follower: false });
    c.oa.handleEvent({
      app_id: appId,
      oa_id: oaId,
      user_id_by_app: p.appUserId,
      event_name: "unfollow",
      follower: { id: p.oaUserId },
      source: "oa_profile",
      timestamp: String(t),
    });
    p.follows = false;
    // A few come back a couple of weeks later.
    if (p.rng.chance(0.25)) {
      p.source = "oa_profile";
      schedule(t + p.rng.int(7, 20) * DAY, () => follow(p));
    }
  }

  let textNo = 0;
  async function writeToOa(p: Profile) {
    await emuClock();
    await emu("PATCH", `/_emu/users/${p.appUserId}`, { lastInteractionAt: t });
    const msgId = `demo${String(++textNo).padStart(8, "0")}${p.appUserId.slice(-6)}`;
    c.oa.handleEvent({
      app_id: appId,
      user_id_by_app: p.appUserId,
      event_name: "user_send_text",
      sender: { id: p.oaUserId },
      recipient: { id: oaId },
      message: { msg_id: msgId, text: p.rng.pick(OA_QUESTIONS) },
      timestamp: String(t),
    });
  }

  // ---- a visit: the counter or the mini app, a voucher, the wheel ----

  async function visit(p: Profile, first: boolean) {
    const r = p.rng;
    const store: StoreId = r.chance(p.away) ? (p.home === DEMO_STORES[0].id ? DEMO_STORES[1].id : DEMO_STORES[0].id) : p.home;
    const staff = staffOf.get(store)!;
    let vouchers: Awaited<ReturnType<typeof c.vouchers.mine>> = [];
    if (p.wallet && r.chance(0.6)) {
      const mine = await c.vouchers.mine(p.id!, "active");
      p.wallet = mine.length > 0;
      vouchers = mine.filter((v) => v.campaign.storeIds.length === 0 || v.campaign.storeIds.includes(store));
    }
    if (!first && r.chance(p.orders) && menus.get(store)!.length) {
      await attempt(() => order(p, store, vouchers));
    } else {
      // At the counter: a voucher shown by its member card, then the bill's points.
      const usable = vouchers[0];
      if (usable) await attempt(() => c.vouchers.redeem(staff, { memberCode: p.memberCode!, voucherId: usable.id, storeId: store }));
      const drinks = r.weighted([
        [1, 55],
        [2, 28],
        [3, 10],
        [5, 5],
        [10, 2],
      ] as const);
      const amount =
        Array.from({ length: drinks }, () => r.pick([29, 32, 35, 39, 42, 45, 49])).reduce((s, k) => s + k, 0) * 1000 + (r.chance(0.3) ? 25_000 : 0);
      const bill = (bills.get(store) ?? 0) + 1;
      bills.set(store, bill);
      const receiptId = `${store === DEMO_STORES[0].id ? "NH" : "VVT"}-${String(bill).padStart(5, "0")}`;
      schedule(t + r.int(1, 3) * MINUTE, () => c.loyalty.award({ actor: staff, memberCode: p.memberCode!, storeId: store, amountVnd: amount, receiptId }));
    }
    // Points enough for a free coffee: some trade them in and drink it there and then.
    if (r.chance(0.25) && (await c.loyalty.summary(p.id!)).balance >= rewardCost) {
      schedule(t + 4 * MINUTE, async () => {
        p.wallet = true;
        const { voucher } = await c.vouchers.claim(p.id!, campaigns.reward, `reward-${p.i}-${dayOf(t)}`);
        if (r.chance(0.7)) await c.vouchers.redeem(staff, { memberCode: p.memberCode!, voucherId: voucher.id, storeId: store });
      });
    }
    if (r.chance(first ? 0.4 : p.gamer)) {
      schedule(t + r.int(2, 6) * MINUTE, () => {
        p.wallet = true;
        return c.games.play(p.id!, { ...links.get(store)!, requestId: `demo-play-${p.i}-${dayOf(t)}` });
      });
    }
    if (p.follows && r.chance(p.chatty)) schedule(t + r.int(1, 8) * HOUR, () => writeToOa(p));
  }

  let orderNo = 0;
  async function order(p: Profile, store: StoreId, vouchers: Awaited<ReturnType<typeof c.vouchers.mine>>) {
    const r = p.rng;
    if (p.phone && !p.phoneShared) {
      // The checkout asks for a phone number: the mini app signs in again and shares it.
      await signIn(p);
      await sharePhone(p);
    }
    const products = menus.get(store)!;
    const items: CartItem[] = Array.from(
      {
        length: r.weighted([
          [1, 55],
          [2, 30],
          [3, 10],
          [4, 5],
        ] as const),
      },
      () => {
        const product = r.pick(products);
        const optionIds = product.optionGroups.flatMap((g) =>
          g.kind === "one" ? (g.required || r.chance(0.3) ? [r.pick(g.options).id] : []) : r.chance(0.3) ? [r.pick(g.options).id] : [],
        );
        return {
          productId: product.id,
          quantity: r.weighted([
            [1, 80],
            [2, 15],
            [3, 5],
          ] as const),
          optionIds,
        };
      },
    );
    const voucher = vouchers.find((v) => v.campaign.kind === "amount_off" || v.campaign.kind === "percent_off");
    let voucherId: string | null = voucher?.id ?? null;
    let quote;
    try {
      quote = await c.menu.quote(p.id!, { storeId: store, items, voucherId });
    } catch (err) {
      if (!(err instanceof AppError) || !voucherId) throw err;
      voucherId = null; // the cart is under the voucher's minimum: the shopper orders without it
      quote = await c.menu.quote(p.id!, { storeId: store, items, voucherId });
    }
    const table = r.chance(0.55);
    const { order } = await c.orders.place(p.id!, {
      storeId: store,
      items,
      voucherId,
      pickup: table ? { type: "table", table: `Bàn ${r.int(1, 18)}` } : { type: "pickup", at: new Date(t + r.int(10, 30) * MINUTE).toISOString() },
      payment: "counter",
      expectedTotal: quote.totalVnd,
      requestId: `demo-order-${++orderNo}-${p.i}`,
    });
    const staff = staffOf.get(store)!;
    const move = (status: "confirmed" | "ready" | "completed" | "cancelled", reason?: string) => () =>
      c.orders.transition(staff, order.id, { status, ...(reason ? { reason } : {}) });
    const fate = r.weighted([
      ["completed", 90],
      ["changedMind", 4],
      ["soldOut", 4],
      ["returned", 2],
    ] as const);
    if (fate === "changedMind") return schedule(t + r.int(1, 3) * MINUTE, () => c.orders.cancelOwn(p.id!, order.id, "Đặt nhầm món"));
    const confirmed = t + r.int(1, 4) * MINUTE;
    schedule(confirmed, move("confirmed"));
    if (fate === "soldOut") return schedule(confirmed + r.int(1, 3) * MINUTE, move("cancelled", "Hết nguyên liệu, quán xin lỗi bạn"));
    const ready = confirmed + r.int(4, 12) * MINUTE;
    const done = ready + r.int(2, 15) * MINUTE;
    schedule(ready, move("ready"));
    schedule(done, move("completed"));
    if (fate === "returned") schedule(done + r.int(10, 40) * MINUTE, move("cancelled", "Khách trả lại món"));
  }

  // ---- messages: the dispatcher sends to the emulator; Zalo's receipts come back through the OA service ----

  async function dispatch() {
    if (!reads.anythingDue(t)) return;
    await emuClock();
    await c.dispatcher.drain();
    for (const m of reads.sentAt(t)) {
      const oaUserId = reads.oaIdOf(m.customerId);
      if (!oaUserId || !receipts.chance(0.93)) continue;
      const delivered = t + receipts.int(2, 120) * 1000;
      const seen = receipts.chance(m.category === "transactional" ? 0.7 : m.category === "care" ? 0.5 : 0.4) ? delivered + receipts.int(1, 600) * MINUTE : null;
      schedule(delivered, () =>
        c.oa.handleEvent({
          app_id: appId,
          event_name: "user_received_message",
          sender: { id: oaId },
          recipient: { id: oaUserId },
          message: { msg_id: m.msgId, delivery_time: String(delivered) },
          timestamp: String(delivered),
        }),
      );
      if (seen !== null)
        schedule(seen, () =>
          c.oa.handleEvent({
            app_id: appId,
            event_name: "user_seen_message",
            sender: { id: oaId },
            recipient: { id: oaUserId },
            message: { msg_id: m.msgId, msg_ids: [m.msgId] },
            timestamp: String(seen),
          }),
        );
    }
  }

  async function broadcast(input: z.input<typeof BroadcastInput>) {
    if ((await c.messaging.listBroadcasts()).some((b) => b.name === input.name)) return;
    const b = c.messaging.createBroadcast(operator, BroadcastInput.parse(input));
    await c.messaging.start(operator, b.id);
    // A few followers leave within a day or so of a broadcast (and it is counted against it).
    for (const p of people) if (p.follows && root.chance(0.012)) schedule(t + root.int(3, 30) * HOUR, () => unfollow(p));
  }

  // ---- the story ----

  for (const p of people) {
    const first = visitTime(p.rng, p.arrivalDay);
    schedule(first - MINUTE, () => arrive(p, first));
  }
  for (let k = 0; k <= days; k++) {
    // The dispatcher looks at the outbox every hour of the shop's day (the API's polls every half second; an
    // hour is as fine as the history's grain: a "ready" notice lives two hours, quiet hours start at 21:30).
    for (let hour = 6; hour < 24; hour++) schedule(at(k, hour), dispatch);
    schedule(at(k, 10, 30), () => c.messaging.proposeFloor());
  }
  const b1 = Math.round(days * 0.3);
  schedule(at(b1, 10), () =>
    broadcast({
      name: "Tuần lễ Cà phê muối",
      category: "promotion",
      content: { text: "☕ Tuần lễ Cà phê muối: giảm 20% mọi ly cà phê muối đến hết Chủ nhật ở cả hai chi nhánh. Mở mini app để đặt trước nhé!" },
      audience: { followersOnly: true },
      expiresAt: new Date(at(b1 + 3, 22)).toISOString(),
    }),
  );
  const b2 = Math.round(days * 0.75);
  schedule(at(b2, 15), () =>
    broadcast({
      name: "Lâu rồi không gặp",
      category: "care",
      content: {
        text: "Lâu rồi chưa gặp bạn ở quán! Ghé uống một ly nhé, điểm thưởng của bạn vẫn đang chờ.",
        template: { id: CARE_TEMPLATE, data: { customer_name: "Quý khách", content: "Lâu rồi chưa gặp bạn ở quán! Điểm thưởng của bạn vẫn đang chờ." } },
      },
      audience: { followersOnly: true, lastVisitMinDays: 10 },
      expiresAt: new Date(at(b2 + 2, 21)).toISOString(),
    }),
  );

  // And one going out right now: whoever heard from the shop in the last hours waits (caps, quiet hours).
  schedule(end - 90 * MINUTE, () =>
    broadcast({
      name: "Bánh mới: Croissant bơ tỏi",
      category: "promotion",
      content: { text: "🥐 Mới ra lò: Croissant bơ tỏi, chỉ 32.000đ. Thêm vào đơn trên mini app hoặc hỏi quầy nhé!" },
      audience: { followersOnly: true },
      expiresAt: new Date(end + 2 * DAY).toISOString(),
    }),
  );

  try {
    // Everyone has a Zalo account before they meet the shop (created a few at a time: nothing here reads a clock).
    for (let i = 0; i < people.length; i += 25)
      await Promise.all(
        people
          .slice(i, i + 25)
          .map((p) => emu("POST", "/_emu/users", { name: p.name, appUserId: p.appUserId, oaUserId: p.oaUserId, ...(p.phone ? { phone: p.phone } : {}) })),
      );
    // Before the first customer: the shop is set up (outside the agenda: a refusal here is a bug, not a story).
    t = at(0, 6, 30);
    await openShop();
    while (jobs.size) {
      const job = jobs.pop();
      t = Math.max(t, job.at);
      await attempt(job.run);
    }
    t = end;
    await dispatch();
    // The dashboard's stored days were counted (by a fill job on today's clock, say) while their events were being
    // written: they are counted again from the complete history.
    c.dashboard.forgetStored();
    audit(o.db, { actor: SYSTEM, action: HISTORY_MARK, details: { seed, days, customers: total, end }, at: end });
  } finally {
    // Zalo's clock back to where it was (plus the time this took): the running demo carries on in the present.
    await emu("POST", "/_emu/clock", { now: emuStart + (Date.now() - startedAt) }).catch(() => {});
    zalo.close();
  }
  const counts = reads.counts();
  const ms = Date.now() - startedAt;
  log.info({ ms, counts, refused }, "demo history written");
  return { skipped: null, ms, counts, refused, customers: total, days };
}
