import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tzOffsetMinutes } from "./local-time";
import {
  ALWAYS_OPEN_WEEK,
  hoursProblems,
  isOpenAt,
  localDate,
  nextClosing,
  nextOpening,
  openPeriods,
  pickupDayWords,
  pickupSlots,
  slotsByDate,
  statusWords,
  storeStatus,
  WEEKDAYS,
  type OpenInterval,
  type StoreHours,
  type WeekHours,
} from "./store-hours";
import { StoreCreateInput, StoreSettingsInput } from "./stores";

const MIN = 60_000;
const DAY = 1440 * MIN;
const HCM = "Asia/Ho_Chi_Minh";
/** Wall time in Ho Chi Minh City (UTC+7, no DST) as an instant. */
const vn = (iso: string) => Date.parse(`${iso}+07:00`);
const week = (ivs: OpenInterval[], over: Partial<WeekHours> = {}): WeekHours =>
  ({ ...Object.fromEntries(WEEKDAYS.map((d) => [d, ivs])), ...over }) as WeekHours;
const iv = (open: string, close: string): OpenInterval => ({ open, close });
const DAILY_7_22: StoreHours = { timeZone: HCM, week: week([iv("07:00", "22:00")]), exceptions: [] };
const SLOTS = { stepMinutes: 15, leadMinutes: 10, days: 2 };

describe("a store open 07:00–22:00 in Ho Chi Minh City", () => {
  it("is closed at 04:28, opens at 07:00, and is closed again at 22:00 sharp", () => {
    expect(isOpenAt(DAILY_7_22, vn("2026-03-10T04:28"))).toBe(false);
    expect(nextOpening(DAILY_7_22, vn("2026-03-10T04:28"))).toBe(vn("2026-03-10T07:00"));
    expect(isOpenAt(DAILY_7_22, vn("2026-03-10T07:00"))).toBe(true);
    expect(isOpenAt(DAILY_7_22, vn("2026-03-10T21:59"))).toBe(true);
    expect(isOpenAt(DAILY_7_22, vn("2026-03-10T22:00"))).toBe(false);
    expect(nextOpening(DAILY_7_22, vn("2026-03-10T22:00"))).toBe(vn("2026-03-11T07:00"));
    expect(nextClosing(DAILY_7_22, vn("2026-03-10T12:00"))).toBe(vn("2026-03-10T22:00"));
  });

  it("offers no pickup before 07:00 + the preparation lead at 04:28, and none at or after closing", () => {
    const slots = pickupSlots(DAILY_7_22, vn("2026-03-10T04:28"), SLOTS);
    expect(slots[0]).toBe(vn("2026-03-10T07:15")); // 07:10 rounded up to the 15-minute grid
    const days = slotsByDate(slots, HCM);
    expect(days.map((d) => d.date)).toEqual(["2026-03-10", "2026-03-11"]);
    expect(days[0]!.slots.at(-1)).toBe(vn("2026-03-10T21:45"));
    expect(days[0]!.slots.length).toBe(59); // 07:15 … 21:45
    // Open now: from now + lead.
    expect(pickupSlots(DAILY_7_22, vn("2026-03-10T09:03"), SLOTS)[0]).toBe(vn("2026-03-10T09:15"));
    expect(pickupSlots(DAILY_7_22, vn("2026-03-10T09:06"), SLOTS)[0]).toBe(vn("2026-03-10T09:30"));
    // Late evening: nothing left today, tomorrow from 07:15.
    const late = pickupSlots(DAILY_7_22, vn("2026-03-10T21:50"), SLOTS);
    expect(localDate(late[0]!, HCM)).toBe("2026-03-11");
    expect(late[0]).toBe(vn("2026-03-11T07:15"));
  });

  it("says so in Vietnamese", () => {
    const at = vn("2026-03-10T04:28");
    const s = storeStatus(DAILY_7_22, at);
    expect(s).toEqual({ openNow: false, closesAt: null, opensAt: vn("2026-03-10T07:00"), today: [iv("07:00", "22:00")], todayNote: null });
    expect(statusWords(s, at, HCM)).toBe("Đóng cửa · mở lúc 07:00");
    expect(statusWords(storeStatus(DAILY_7_22, vn("2026-03-10T23:00")), vn("2026-03-10T23:00"), HCM)).toBe("Đóng cửa · mở lúc 07:00 mai");
    expect(statusWords(storeStatus(DAILY_7_22, vn("2026-03-10T12:00")), vn("2026-03-10T12:00"), HCM)).toBe("Đang mở cửa · đóng lúc 22:00");
    const always: StoreHours = { timeZone: HCM, week: ALWAYS_OPEN_WEEK, exceptions: [] };
    expect(statusWords(storeStatus(always, at), at, HCM)).toBe("Mở cửa cả ngày");
    expect(pickupDayWords("2026-03-10", at, HCM)).toBe("Hôm nay");
    expect(pickupDayWords("2026-03-11", at, HCM)).toBe("Ngày mai");
    expect(pickupDayWords("2026-03-12", at, HCM)).toBe("Thứ Năm 12/03");
  });
});

describe("intervals past midnight, split days and exceptions", () => {
  // A bar: weekdays closed, Friday and Saturday 18:00–02:00.
  const bar: StoreHours = { timeZone: HCM, week: week([], { fri: [iv("18:00", "02:00")], sat: [iv("18:00", "02:00")] }), exceptions: [] };

  it("an evening that passes midnight belongs to the day it opens on", () => {
    // 2026-03-13 is a Friday.
    expect(isOpenAt(bar, vn("2026-03-13T17:59"))).toBe(false);
    expect(isOpenAt(bar, vn("2026-03-13T23:30"))).toBe(true);
    expect(isOpenAt(bar, vn("2026-03-14T01:59"))).toBe(true);
    expect(isOpenAt(bar, vn("2026-03-14T02:00"))).toBe(false);
    expect(nextClosing(bar, vn("2026-03-13T23:30"))).toBe(vn("2026-03-14T02:00"));
    // Sunday's early hours are Saturday's evening; Sunday itself is closed, so the next opening is Friday.
    expect(isOpenAt(bar, vn("2026-03-15T01:00"))).toBe(true);
    expect(nextOpening(bar, vn("2026-03-15T03:00"))).toBe(vn("2026-03-20T18:00"));
    expect(statusWords(storeStatus(bar, vn("2026-03-15T03:00")), vn("2026-03-15T03:00"), HCM)).toBe("Đóng cửa · mở lúc 18:00 Thứ Sáu");
    expect(statusWords(storeStatus(bar, vn("2026-03-13T23:30")), vn("2026-03-13T23:30"), HCM)).toBe("Đang mở cửa · đóng lúc 02:00 mai");
  });

  it("a Saturday closed by exception still has Friday's evening running into it", () => {
    const h: StoreHours = { ...bar, exceptions: [{ date: "2026-03-14", intervals: [], note: "Nghỉ sửa chữa" }] };
    expect(isOpenAt(h, vn("2026-03-14T01:00"))).toBe(true);
    expect(isOpenAt(h, vn("2026-03-14T19:00"))).toBe(false);
    expect(nextOpening(h, vn("2026-03-14T03:00"))).toBe(vn("2026-03-20T18:00"));
    expect(storeStatus(h, vn("2026-03-14T12:00")).todayNote).toBe("Nghỉ sửa chữa");
  });

  it("a lunch break splits the day; pickup slots skip it and wait the lead after reopening", () => {
    const h: StoreHours = { timeZone: HCM, week: week([iv("07:00", "11:30"), iv("13:00", "22:00")]), exceptions: [] };
    expect(isOpenAt(h, vn("2026-03-10T12:00"))).toBe(false);
    expect(nextOpening(h, vn("2026-03-10T12:00"))).toBe(vn("2026-03-10T13:00"));
    const slots = pickupSlots(h, vn("2026-03-10T11:00"), SLOTS);
    expect(slots.slice(0, 3)).toEqual([vn("2026-03-10T11:15"), vn("2026-03-10T13:15"), vn("2026-03-10T13:30")]);
  });

  it("Tết: closed on the day, short hours on the next, and the day words count from the shop's date", () => {
    const h: StoreHours = {
      ...DAILY_7_22,
      exceptions: [
        { date: "2026-02-17", intervals: [], note: "Mùng 1 Tết" },
        { date: "2026-02-18", intervals: [iv("09:00", "14:00")], note: "Mùng 2 Tết" },
      ],
    };
    const eve = vn("2026-02-16T22:30");
    expect(nextOpening(h, eve)).toBe(vn("2026-02-18T09:00"));
    expect(statusWords(storeStatus(h, eve), eve, HCM)).toBe("Đóng cửa · mở lúc 09:00 Thứ Tư");
    expect(isOpenAt(h, vn("2026-02-18T15:00"))).toBe(false);
    expect(pickupSlots(h, eve, { ...SLOTS, days: 3 })[0]).toBe(vn("2026-02-18T09:15"));
  });

  it("24:00 closes at midnight and 00:00–24:00 every day never closes", () => {
    const h: StoreHours = { timeZone: HCM, week: week([iv("18:00", "24:00")]), exceptions: [] };
    expect(isOpenAt(h, vn("2026-03-10T23:59"))).toBe(true);
    expect(isOpenAt(h, vn("2026-03-11T00:00"))).toBe(false);
    const always: StoreHours = { timeZone: HCM, week: ALWAYS_OPEN_WEEK, exceptions: [] };
    expect(nextClosing(always, vn("2026-03-10T12:00"))).toBeNull();
    expect(openPeriods(always, vn("2026-03-10T12:00"), vn("2026-03-12T12:00"))).toHaveLength(1);
  });

  it("a store closed every day has no next opening and no slots", () => {
    const h: StoreHours = { timeZone: HCM, week: week([]), exceptions: [] };
    expect(nextOpening(h, vn("2026-03-10T12:00"))).toBeNull();
    expect(pickupSlots(h, vn("2026-03-10T12:00"), SLOTS)).toEqual([]);
    expect(statusWords(storeStatus(h, vn("2026-03-10T12:00")), vn("2026-03-10T12:00"), HCM)).toBe("Đóng cửa");
  });

  it("reads hours in the store's zone, not the machine's: 07:00 in São Paulo (UTC−3) is 10:00 UTC, 17:00 in Vietnam", () => {
    const h: StoreHours = { ...DAILY_7_22, timeZone: "America/Sao_Paulo" };
    expect(isOpenAt(h, Date.parse("2026-03-10T09:59Z"))).toBe(false);
    expect(isOpenAt(h, Date.parse("2026-03-10T10:00Z"))).toBe(true);
    expect(nextOpening(h, Date.parse("2026-03-10T03:00Z"))).toBe(Date.parse("2026-03-10T10:00Z"));
    // Kolkata's half-hour offset: the step grid is on its own clock (07:15 local = 01:45 UTC).
    const k: StoreHours = { ...DAILY_7_22, timeZone: "Asia/Kolkata" };
    expect(pickupSlots(k, Date.parse("2026-03-10T00:00Z"), SLOTS)[0]).toBe(Date.parse("2026-03-10T01:45Z"));
  });
});

// ---- properties, over DST-free zones with offsets far from the machine's ----

const ZONES = ["Asia/Ho_Chi_Minh", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"];
const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const intervalArb = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 }))
  .filter(([o, c]) => o !== c % 1440 || c === 1440)
  .map(([o, c]) => iv(hm(o), c === 1440 ? "24:00" : hm(c)))
  .filter((x) => x.open !== x.close);
const dayArb = fc.array(intervalArb, { maxLength: 3 });
const weekArb = fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>);
const T0 = Date.parse("2026-01-01T00:00:00Z");
const instantArb = fc.integer({ min: 0, max: 120 * 1440 }).map((m) => T0 + m * MIN + 17_000);
const hoursArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    week: weekArb,
    exceptions: fc.uniqueArray(fc.record({ day: fc.integer({ min: 0, max: 125 }), intervals: dayArb }), { selector: (e) => e.day, maxLength: 8 }),
  })
  .map(({ timeZone, week, exceptions }): StoreHours => ({
    timeZone,
    week,
    exceptions: exceptions.map((e) => ({ date: new Date(T0 + e.day * DAY).toISOString().slice(0, 10), intervals: e.intervals, note: "" })),
  }));

/** The rule written out plainly, to check the period arithmetic against: today's intervals, and yesterday's past midnight. */
function naiveOpen(h: StoreHours, t: number): boolean {
  const wall = t + tzOffsetMinutes(h.timeZone, t) * MIN;
  const m = Math.floor((wall % DAY) / MIN);
  const on = (date: string) => h.exceptions.find((e) => e.date === date)?.intervals ?? h.week[WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!];
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const today = new Date(wall).toISOString().slice(0, 10);
  const yesterday = new Date(wall - DAY).toISOString().slice(0, 10);
  if (on(today).some((x) => (toMin(x.close) > toMin(x.open) ? m >= toMin(x.open) && m < toMin(x.close) : m >= toMin(x.open)))) return true;
  return on(yesterday).some((x) => toMin(x.close) < toMin(x.open) && m < toMin(x.close));
}

describe("properties", () => {
  it("isOpenAt agrees with the rule written out minute by minute", () => {
    fc.assert(
      fc.property(hoursArb, instantArb, (h, t) => isOpenAt(h, t) === naiveOpen(h, t)),
      { numRuns: 2000 },
    );
  });

  it("every pickup slot is open, on the grid, after the lead (since ordering and since opening), in order, within the days", () => {
    fc.assert(
      fc.property(
        hoursArb,
        instantArb,
        fc.constantFrom(5, 10, 15, 20, 30, 60),
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 1, max: 3 }),
        (h, from, stepMinutes, leadMinutes, days) => {
          const slots = pickupSlots(h, from, { stepMinutes, leadMinutes, days });
          const lastDate = localDate(from + (days - 1) * DAY, h.timeZone);
          slots.forEach((s, i) => {
            expect(isOpenAt(h, s)).toBe(true);
            // Open already at s − lead: time to prepare it (that it stays open up to s is the next property's).
            expect(isOpenAt(h, s - leadMinutes * MIN)).toBe(true);
            expect(s).toBeGreaterThanOrEqual(from + leadMinutes * MIN);
            expect(((s + tzOffsetMinutes(h.timeZone, s) * MIN) / MIN) % stepMinutes).toBe(0);
            expect(localDate(s, h.timeZone) <= lastDate).toBe(true);
            if (i > 0) expect(s).toBeGreaterThan(slots[i - 1]!);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("no grid time is left out that is open with the lead behind it", () => {
    fc.assert(
      fc.property(hoursArb, instantArb, (h, from) => {
        const slots = new Set(pickupSlots(h, from, { stepMinutes: 30, leadMinutes: 20, days: 1 }));
        const tz = h.timeZone;
        const off = tzOffsetMinutes(tz, from) * MIN;
        for (let wall = Math.ceil((from + off) / (30 * MIN)) * 30 * MIN; localDate(wall - off, tz) === localDate(from, tz); wall += 30 * MIN) {
          const s = wall - off;
          // Open at every minute of the lead (hours are whole minutes, so a one-minute gap between intervals counts).
          const ok = s >= from + 20 * MIN && Array.from({ length: 21 }, (_, k) => k).every((k) => isOpenAt(h, s - k * MIN));
          expect(slots.has(s), `${new Date(s).toISOString()} in ${tz}`).toBe(ok);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a store closed for one minute between two intervals opens again with the whole lead after that minute", () => {
    // Found by the property above: Wednesday 00:00–14:41 and 14:42–00:01 in Pago Pago (UTC−11), asked at 13:00.
    const h: StoreHours = { timeZone: "Pacific/Pago_Pago", week: week([], { wed: [iv("14:42", "00:01"), iv("00:00", "14:41")] }), exceptions: [] };
    const slots = pickupSlots(h, 1767225617000, { stepMinutes: 30, leadMinutes: 20, days: 1 });
    expect(slots.map((s) => new Date(s).toISOString())).not.toContain("2026-01-01T02:00:00.000Z"); // 15:00, 18 minutes after 14:42
    expect(slots.map((s) => new Date(s).toISOString())).toContain("2026-01-01T02:30:00.000Z");
  });

  it("nextOpening is open, not before the instant asked, and nothing opens in between", () => {
    fc.assert(
      fc.property(hoursArb, instantArb, (h, t) => {
        const next = nextOpening(h, t);
        if (next === null) {
          for (let x = t; x < t + 14 * DAY; x += 15 * MIN) expect(isOpenAt(h, x)).toBe(false);
          return;
        }
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isOpenAt(h, next)).toBe(true);
        if (isOpenAt(h, t)) expect(next).toBe(t);
        else for (let x = next - MIN; x >= t && x > next - 3 * DAY; x -= 15 * MIN) expect(isOpenAt(h, x)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("nextClosing: open until then, closed from then", () => {
    fc.assert(
      fc.property(hoursArb, instantArb, (h, t) => {
        const close = nextClosing(h, t);
        if (!isOpenAt(h, t)) expect(close).toBeNull();
        else if (close !== null) {
          expect(isOpenAt(h, close)).toBe(false);
          expect(isOpenAt(h, close - MIN)).toBe(true);
          for (let x = t; x < close; x += 15 * MIN) expect(isOpenAt(h, x)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a week the checks accept has no two intervals open at once", () => {
    fc.assert(
      fc.property(weekArb, (w) => {
        const h: StoreHours = { timeZone: "UTC", week: w, exceptions: [] };
        if (hoursProblems(h).length > 0) return;
        // Sum of interval lengths over two weeks equals the open time: nothing counted twice.
        const from = Date.parse("2026-03-02T00:00:00Z"); // a Monday
        const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
        const perWeek = WEEKDAYS.flatMap((d) => w[d]).reduce((s, x) => s + ((toMin(x.close) - toMin(x.open) + 1440) % 1440 || 1440), 0);
        let open = 0;
        for (let x = from; x < from + 7 * DAY; x += MIN) if (isOpenAt(h, x)) open++;
        expect(open).toBe(perWeek);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the edit body (what the console sends)", () => {
  const good = {
    name: "Nguyễn Huệ",
    address: "42 Nguyễn Huệ",
    active: true,
    closedReason: null,
    timeZone: HCM,
    week: week([iv("07:00", "22:00")]),
    exceptions: [],
  };
  const issues = (body: unknown) => {
    const r = StoreSettingsInput.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  };

  it("accepts a week with a lunch break, an evening past midnight and Tết", () => {
    expect(
      issues({
        ...good,
        week: week([iv("07:00", "11:30"), iv("13:00", "22:00")], { sat: [iv("07:00", "11:30"), iv("18:00", "02:00")], sun: [] }),
        exceptions: [{ date: "2026-02-17", intervals: [], note: "Mùng 1 Tết" }],
      }),
    ).toEqual([]);
  });

  it("names the field and says in Vietnamese what to fix", () => {
    expect(issues({ ...good, week: { ...good.week, mon: [iv("07:00", "07:00")] } })).toEqual([
      { path: "week.mon.0.close", message: "Giờ đóng cửa phải khác giờ mở cửa" },
    ]);
    expect(issues({ ...good, week: { ...good.week, tue: [iv("07:00", "12:00"), iv("11:00", "14:00")] } })).toEqual([
      { path: "week.tue.1", message: "Trùng với khung giờ 07:00–12:00" },
    ]);
    // Monday 18:00–02:00 runs into Tuesday's 01:00.
    expect(issues({ ...good, week: { ...good.week, mon: [iv("18:00", "02:00")], tue: [iv("01:00", "10:00")] } })).toEqual([
      { path: "week.tue.0", message: "Trùng với khung giờ 18:00–02:00 (Thứ Hai)" },
    ]);
    expect(issues({ ...good, week: { ...good.week, wed: [iv("7:00", "25:00")] } }).map((i) => i.path)).toEqual(["week.wed.0.open", "week.wed.0.close"]);
    expect(
      issues({
        ...good,
        exceptions: [
          { date: "2026-02-30", intervals: [] },
          { date: "2026-02-17", intervals: [] },
          { date: "2026-02-17", intervals: [iv("09:00", "12:00"), iv("10:00", "11:00")] },
        ],
      }),
    ).toEqual([
      { path: "exceptions.0.date", message: "Ngày này không có trên lịch" },
      { path: "exceptions.2.date", message: "Ngày 17/02 đã có ở trên" },
      { path: "exceptions.2.intervals.1", message: "Trùng với khung giờ 09:00–12:00" },
    ]);
    expect(issues({ ...good, timeZone: "Asia/Sai_Gon" })).toEqual([{ path: "timeZone", message: "Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh)" }]);
    expect(issues({ ...good, name: "  " })).toEqual([{ path: "name", message: "Nhập tên cửa hàng" }]);
    const many = Array.from({ length: 61 }, (_, i) => ({ date: new Date(T0 + i * DAY).toISOString().slice(0, 10), intervals: [] }));
    expect(issues({ ...good, exceptions: many })[0]!.path).toBe("exceptions");
    expect(issues({ ...good, week: { ...good.week, fri: Array.from({ length: 5 }, (_, i) => iv(`0${i}:00`, `0${i}:30`)) } })[0]!.path).toBe("week.fri");
  });

  it("a new store may come without hours (then it is open all day), or with them, checked the same way", () => {
    expect(StoreCreateInput.safeParse({ id: "q1", name: "Quận 1" }).success).toBe(true);
    const bad = StoreCreateInput.safeParse({ name: "Quận 1", week: { ...good.week, mon: [iv("09:00", "09:00")] } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join("."))).toEqual(["week.mon.0.close"]);
  });
});
