/**
 * Store opening hours, with no dependencies (no zod): the server decides with these whether a store takes an
 * order and which pickup times it offers, the mini app and the console say the same thing in Vietnamese.
 * The zod schemas of the admin's edit body are in stores.ts.
 *
 * A store's hours: per weekday none (closed) or a few open intervals of local wall time, "07:00"–"22:00", in
 * the store's IANA time zone. An interval whose close is before its open passes midnight (18:00–02:00 ends
 * at 02:00 the next day); "24:00" closes at the end of the day, so 00:00–24:00 is open all day. An interval
 * belongs to the day it opens on: an exception (a holiday closed, Tết's short hours) replaces the intervals
 * opening on its date, and Friday's 18:00–02:00 still runs into a Saturday that is closed. Intervals are
 * half-open: a store open 07:00–22:00 is open at 07:00 and closed at 22:00.
 */
import { tzOffsetMinutes } from "./local-time";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_WORDS: Record<Weekday, string> = {
  mon: "Thứ Hai",
  tue: "Thứ Ba",
  wed: "Thứ Tư",
  thu: "Thứ Năm",
  fri: "Thứ Sáu",
  sat: "Thứ Bảy",
  sun: "Chủ nhật",
};

export type OpenInterval = { open: string; close: string };
export type WeekHours = Record<Weekday, OpenInterval[]>;
/** One date's own hours: `intervals` empty = closed all day. */
export type HoursException = { date: string; intervals: OpenInterval[]; note: string };
export type StoreHours = { timeZone: string; week: WeekHours; exceptions: HoursException[] };

export const MAX_INTERVALS_PER_DAY = 4;
export const MAX_EXCEPTIONS = 60;
export const DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh";
/** Pickup: time to prepare an order after opening (and after ordering), and the spacing of the times offered. */
export const PICKUP_LEAD_MINUTES = 10;
export const PICKUP_STEP_MINUTES = 15;

export const ALL_DAY: OpenInterval = { open: "00:00", close: "24:00" };
/**
 * The hours of a store nobody has set hours for: open every day, all day. Stores made before hours existed,
 * and stores created without them, keep taking orders at any time until the shop sets its hours.
 */
export const ALWAYS_OPEN_WEEK: WeekHours = Object.fromEntries(WEEKDAYS.map((d) => [d, [ALL_DAY]])) as WeekHours;

const MIN = 60_000;
const DAY = 1440 * MIN;

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A closing time: any HH:MM, or 24:00 (the end of the day). */
export const HHMM_CLOSE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
/** How long an interval is open, in minutes (1 … 1440); 0 when close equals open (refused by the schema). */
function lengthOf(iv: OpenInterval): number {
  const o = minutesOf(iv.open);
  const c = minutesOf(iv.close);
  return c > o ? c - o : c === o ? 0 : 1440 - o + c;
}

export function isValidDate(date: string): boolean {
  if (!ISO_DATE.test(date)) return false;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  return new Date(t).toISOString().slice(0, 10) === date;
}

// ---- local days: day numbers count local dates from 1970-01-01 ----

const local = (t: number, tz: string) => t + tzOffsetMinutes(tz, t) * MIN;
/** The instant the wall clock in `tz` shows `wall` (local ms since the epoch). Two passes settle the offset at that instant. */
function instantOf(wall: number, tz: string): number {
  const first = wall - tzOffsetMinutes(tz, wall) * MIN;
  return wall - tzOffsetMinutes(tz, first) * MIN;
}
const dayNumberOf = (t: number, tz: string) => Math.floor(local(t, tz) / DAY);
const dateOfDay = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
// 1970-01-01 was a Thursday.
const weekdayOfDay = (n: number): Weekday => WEEKDAYS[(((n + 3) % 7) + 7) % 7]!;

/** The shop-local date ("2026-02-17") of an instant in `tz`. */
export const localDate = (t: number, tz: string) => dateOfDay(dayNumberOf(t, tz));
/** The weekday of a date string ("2026-02-17" → "tue"). */
export const weekdayOf = (date: string): Weekday => weekdayOfDay(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY));

/** The intervals that open on a local date: its exception's, else its weekday's. */
export function hoursOn(h: StoreHours, date: string): { intervals: OpenInterval[]; exception: HoursException | null } {
  const exception = h.exceptions.find((e) => e.date === date) ?? null;
  return { intervals: exception ? exception.intervals : h.week[weekdayOf(date)], exception };
}

export type Period = { start: number; end: number };

/**
 * The open periods (instants, half-open) of the intervals opening on the local days from `from`'s day − 1
 * to `to`'s day, merged where they touch or overlap (a 18:00–24:00 followed by 00:00–02:00 is one evening).
 * A period running past `to`'s day is cut there: ask with a margin.
 */
export function openPeriods(h: StoreHours, from: number, to: number): Period[] {
  const tz = h.timeZone;
  const raw: Period[] = [];
  for (let n = dayNumberOf(from, tz) - 1; n <= dayNumberOf(to, tz); n++) {
    for (const iv of hoursOn(h, dateOfDay(n)).intervals) {
      const len = lengthOf(iv);
      if (len === 0) continue;
      const open = n * DAY + minutesOf(iv.open) * MIN;
      raw.push({ start: instantOf(open, tz), end: instantOf(open + len * MIN, tz) });
    }
  }
  raw.sort((a, b) => a.start - b.start);
  const out: Period[] = [];
  for (const p of raw) {
    const last = out.at(-1);
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else out.push({ ...p });
  }
  return out;
}

/** Is the store open at instant `t`? */
export function isOpenAt(h: StoreHours, t: number): boolean {
  return openPeriods(h, t, t).some((p) => p.start <= t && t < p.end);
}

/** How far ahead the next opening is looked for (a store closed for longer "has no next opening"). */
const HORIZON_DAYS = 400;

/** The first instant ≥ `t` at which the store is open (`t` itself when open), or null if none within ~a year. */
export function nextOpening(h: StoreHours, t: number): number | null {
  for (let k = 0; k < HORIZON_DAYS; k += 14) {
    const from = t + k * DAY;
    const hit = openPeriods(h, from, from + 14 * DAY).find((p) => p.end > t);
    if (hit) return Math.max(hit.start, t);
  }
  return null;
}

/** When the store, open at `t`, closes; null when it is closed at `t`, or stays open for a week or more (always open). */
export function nextClosing(h: StoreHours, t: number): number | null {
  const p = openPeriods(h, t, t + 8 * DAY).find((x) => x.start <= t && t < x.end);
  if (!p) return null;
  return p.end - t >= 7 * DAY ? null : p.end;
}

export type StoreStatus = {
  openNow: boolean;
  /** When an open store closes (null: closed now, or open around the clock). */
  closesAt: number | null;
  /** When a closed store opens next (null: open now, or no opening within a year). */
  opensAt: number | null;
  /** The intervals opening today (local date of `at`), and today's exception note ("Tết") if any. */
  today: OpenInterval[];
  todayNote: string | null;
};

export function storeStatus(h: StoreHours, at: number): StoreStatus {
  const openNow = isOpenAt(h, at);
  const today = hoursOn(h, localDate(at, h.timeZone));
  return {
    openNow,
    closesAt: openNow ? nextClosing(h, at) : null,
    opensAt: openNow ? null : nextOpening(h, at),
    today: today.intervals,
    todayNote: today.exception ? today.exception.note || null : null,
  };
}

/**
 * The pickup times a store offers from instant `from`: on its local step grid (…:00, :15, :30, :45 for a 15-minute
 * step, which must divide a day), no earlier than `from` + lead, at least `lead` after the open period began (time to
 * prepare after opening), before it ends, and on the local days from `from`'s date to `days` − 1 days later.
 */
export function pickupSlots(h: StoreHours, from: number, opts: { stepMinutes: number; leadMinutes: number; days: number }): number[] {
  const tz = h.timeZone;
  const step = opts.stepMinutes * MIN;
  const lead = opts.leadMinutes * MIN;
  if (!(opts.stepMinutes > 0) || 1440 % opts.stepMinutes !== 0) throw new Error("stepMinutes must divide a day");
  const until = instantOf((dayNumberOf(from, tz) + opts.days) * DAY, tz);
  const earliest = from + lead;
  const out: number[] = [];
  for (const p of openPeriods(h, from, until)) {
    const lo = Math.max(p.start + lead, earliest);
    const hi = Math.min(p.end, until);
    if (lo >= hi) continue;
    for (let wall = Math.ceil(local(lo, tz) / step) * step; ; wall += step) {
      const s = instantOf(wall, tz);
      if (s >= hi) break;
      // A DST jump can map two grid points to one instant, or one to just before `lo`: keep each slot once, in order.
      if (s >= lo && (out.length === 0 || s > out.at(-1)!)) out.push(s);
    }
  }
  return out;
}

/** Slots grouped by their local date, in order. */
export function slotsByDate(slots: number[], tz: string): { date: string; slots: number[] }[] {
  const out: { date: string; slots: number[] }[] = [];
  for (const s of slots) {
    const date = localDate(s, tz);
    if (out.at(-1)?.date === date) out.at(-1)!.slots.push(s);
    else out.push({ date, slots: [s] });
  }
  return out;
}

// ---- checks of an edit (the schema in stores.ts reports them as issues at these paths) ----

export type HoursProblem = { path: (string | number)[]; message: string };

export const intervalWords = (iv: OpenInterval) => (iv.open === "00:00" && iv.close === "24:00" ? "Cả ngày" : `${iv.open}–${iv.close}`);
export const dayHoursWords = (ivs: OpenInterval[]) => (ivs.length === 0 ? "Nghỉ" : ivs.map(intervalWords).join(", "));

/**
 * What is wrong with a week and its exceptions, field by field: an interval that closes when it opens, intervals that
 * overlap (on the weekly circle, so Sunday's 22:00–02:00 meets Monday's 01:00), a date that does not exist or is
 * listed twice. Formats and counts are the schema's; this assumes well-formed HH:MM strings.
 */
export function hoursProblems(h: { week: WeekHours; exceptions: HoursException[] }): HoursProblem[] {
  const problems: HoursProblem[] = [];
  const WEEK = 7 * 1440;
  const spans: { path: (string | number)[]; day: Weekday; iv: OpenInterval; s: number; e: number }[] = [];
  WEEKDAYS.forEach((day, d) =>
    h.week[day].forEach((iv, i) => {
      const path = ["week", day, i];
      const len = lengthOf(iv);
      if (len === 0) return void problems.push({ path: [...path, "close"], message: "Giờ đóng cửa phải khác giờ mở cửa" });
      const s = d * 1440 + minutesOf(iv.open);
      for (const other of spans) {
        if (overlapsOnCircle(other.s, other.e, s, s + len, WEEK)) {
          const where = other.day === day ? "" : ` (${WEEKDAY_WORDS[other.day]})`;
          problems.push({ path, message: `Trùng với khung giờ ${intervalWords(other.iv)}${where}` });
          return;
        }
      }
      spans.push({ path, day, iv, s, e: s + len });
    }),
  );
  const seen = new Map<string, number>();
  h.exceptions.forEach((ex, x) => {
    if (!isValidDate(ex.date)) problems.push({ path: ["exceptions", x, "date"], message: "Ngày này không có trên lịch" });
    else if (seen.has(ex.date)) problems.push({ path: ["exceptions", x, "date"], message: `Ngày ${dateWords(ex.date)} đã có ở trên` });
    else seen.set(ex.date, x);
    const mine: { iv: OpenInterval; s: number; e: number }[] = [];
    ex.intervals.forEach((iv, i) => {
      const path = ["exceptions", x, "intervals", i];
      const len = lengthOf(iv);
      if (len === 0) return void problems.push({ path: [...path, "close"], message: "Giờ đóng cửa phải khác giờ mở cửa" });
      const s = minutesOf(iv.open);
      const clash = mine.find((o) => o.s < s + len && s < o.e);
      if (clash) return void problems.push({ path, message: `Trùng với khung giờ ${intervalWords(clash.iv)}` });
      mine.push({ iv, s, e: s + len });
    });
  });
  return problems;
}

function overlapsOnCircle(s1: number, e1: number, s2: number, e2: number, size: number) {
  return [-size, 0, size].some((k) => s1 < e2 + k && s2 + k < e1);
}

// ---- words ----

const pad = (n: number) => String(n).padStart(2, "0");
/** "07:00": the local wall time of an instant in `tz`. */
export function hhmmIn(t: number, tz: string): string {
  const d = new Date(local(t, tz));
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
/** "17/02" for "2026-02-17". */
export const dateWords = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}`;

/** Which local day `t` is, seen from `at`: "" (the same day), "mai", "Thứ Hai" (this week), or "17/02". */
export function dayWord(t: number, at: number, tz: string): string {
  const diff = dayNumberOf(t, tz) - dayNumberOf(at, tz);
  if (diff === 0) return "";
  if (diff === 1) return "mai";
  if (diff > 1 && diff < 7) return WEEKDAY_WORDS[weekdayOfDay(dayNumberOf(t, tz))];
  return dateWords(localDate(t, tz));
}

/** "07:00", "07:00 mai", "07:00 Thứ Hai", "07:00 17/02". */
export function whenWords(t: number, at: number, tz: string): string {
  const day = dayWord(t, at, tz);
  return day ? `${hhmmIn(t, tz)} ${day}` : hhmmIn(t, tz);
}

type StatusLike = { openNow: boolean; closesAt: number | string | null; opensAt: number | string | null };
const ms = (x: number | string) => (typeof x === "number" ? x : Date.parse(x));

/** "Đang mở cửa · đóng lúc 22:00", "Mở cửa cả ngày", "Đóng cửa · mở lúc 07:00 mai", "Đóng cửa". */
export function statusWords(s: StatusLike, at: number, tz: string): string {
  if (s.openNow) return s.closesAt === null ? "Mở cửa cả ngày" : `Đang mở cửa · đóng lúc ${whenWords(ms(s.closesAt), at, tz)}`;
  return s.opensAt === null ? "Đóng cửa" : `Đóng cửa · mở lúc ${whenWords(ms(s.opensAt), at, tz)}`;
}

/** The label of a pickup day: "Hôm nay", "Ngày mai", "Thứ Hai 17/02". */
export function pickupDayWords(date: string, at: number, tz: string): string {
  const diff = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${localDate(at, tz)}T00:00:00Z`)) / DAY);
  if (diff === 0) return "Hôm nay";
  if (diff === 1) return "Ngày mai";
  return `${WEEKDAY_WORDS[weekdayOf(date)]} ${dateWords(date)}`;
}
