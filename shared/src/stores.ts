import { z } from "zod";
import { isTimeZone } from "./local-time";
import { HHMM, HHMM_CLOSE, hoursProblems, ISO_DATE, MAX_EXCEPTIONS, MAX_INTERVALS_PER_DAY, type WeekHours } from "./store-hours";

/**
 * The stores' API bodies (rules in store-hours.ts). The console shows these messages next to the field they
 * name (path `week.mon.0.close`, `exceptions.2.date`), so they are in Vietnamese and say what to fix.
 */

export const OpenIntervalSchema = z
  .object({
    open: z.string().regex(HHMM, "Giờ mở cửa dạng HH:MM, ví dụ 07:00"),
    close: z.string().regex(HHMM_CLOSE, "Giờ đóng cửa dạng HH:MM, ví dụ 22:00 (24:00 là nửa đêm)"),
  })
  .strict();

const dayIntervals = z.array(OpenIntervalSchema).max(MAX_INTERVALS_PER_DAY, `Tối đa ${MAX_INTERVALS_PER_DAY} khung giờ mỗi ngày`);

export const WeekHoursSchema = z
  .object({ mon: dayIntervals, tue: dayIntervals, wed: dayIntervals, thu: dayIntervals, fri: dayIntervals, sat: dayIntervals, sun: dayIntervals })
  .strict();

export const HoursExceptionSchema = z
  .object({
    date: z.string().regex(ISO_DATE, "Ngày dạng YYYY-MM-DD, ví dụ 2026-02-17"),
    /** Empty: closed all day. */
    intervals: dayIntervals.default([]),
    note: z.string().trim().max(60, "Ghi chú tối đa 60 ký tự").default(""),
  })
  .strict();

const exceptionList = z.array(HoursExceptionSchema).max(MAX_EXCEPTIONS, `Tối đa ${MAX_EXCEPTIONS} ngày đặc biệt: xoá bớt những ngày đã qua`);

export const TimeZoneSchema = z.string().min(1, "Chọn múi giờ").max(64).refine(isTimeZone, "Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh)");

const addHoursProblems = (h: { week: WeekHours; exceptions: z.infer<typeof HoursExceptionSchema>[] }, ctx: z.RefinementCtx) => {
  // hoursProblems words each problem in Vietnamese (store-hours.ts)
  // eslint-disable-next-line no-restricted-syntax
  for (const p of hoursProblems(h)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
};

/** WGS84 degrees; null: the store has no position (it is left out of "nearest store" answers). */
export const Latitude = z.number().min(-90, "Vĩ độ từ -90 đến 90").max(90, "Vĩ độ từ -90 đến 90").nullable();
export const Longitude = z.number().min(-180, "Kinh độ từ -180 đến 180").max(180, "Kinh độ từ -180 đến 180").nullable();
const bothOrNeither = (s: { lat?: number | null; lng?: number | null }, ctx: z.RefinementCtx) => {
  const hasLat = s.lat !== null && s.lat !== undefined;
  const hasLng = s.lng !== null && s.lng !== undefined;
  if (hasLat && !hasLng) ctx.addIssue({ code: "custom", path: ["lng"], message: "Nhập cả kinh độ (hoặc để trống cả hai)" });
  if (hasLng && !hasLat) ctx.addIssue({ code: "custom", path: ["lat"], message: "Nhập cả vĩ độ (hoặc để trống cả hai)" });
};

const name = z.string().trim().min(1, "Nhập tên cửa hàng").max(120, "Tên tối đa 120 ký tự");
const address = z.string().trim().max(300, "Địa chỉ tối đa 300 ký tự");

/** The console's store editor: every setting of one store, saved all or nothing. */
export const StoreSettingsInput = z
  .object({
    name,
    address: address.default(""),
    /** false: closed (not listed to shoppers, takes no orders) until activated again. */
    active: z.boolean(),
    closedReason: z.string().trim().max(200, "Lý do tối đa 200 ký tự").nullable().default(null),
    timeZone: TimeZoneSchema,
    week: WeekHoursSchema,
    exceptions: exceptionList.default([]),
    /** Omitted: no position (the editor always sends both). */
    lat: Latitude.optional(),
    lng: Longitude.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    addHoursProblems(s, ctx);
    bothOrNeither(s, ctx);
  });
export type StoreSettingsInput = z.infer<typeof StoreSettingsInput>;

const EMPTY_WEEK: WeekHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

/** A new store: hours optional (without them it is open all day, every day; the time zone is the shop's). */
export const StoreCreateInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9-]{2,40}$/, "Mã cửa hàng: 2–40 chữ thường không dấu, số hoặc dấu gạch ngang")
      .optional(),
    name,
    address: address.optional(),
    timeZone: TimeZoneSchema.optional(),
    week: WeekHoursSchema.optional(),
    exceptions: exceptionList.optional(),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    bothOrNeither(s, ctx);
    if (s.week || s.exceptions) addHoursProblems({ week: s.week ?? EMPTY_WEEK, exceptions: s.exceptions ?? [] }, ctx);
  });
export type StoreCreateInput = z.infer<typeof StoreCreateInput>;
export const CloseStoreBody = z.object({ reason: z.string().trim().max(200, "Lý do tối đa 200 ký tự").optional() }).strict();

/** Open or closed now, as the server's clock sees it (instants as ISO strings). */
export const StoreStatusView = z.object({
  openNow: z.boolean(),
  closesAt: z.string().nullable(),
  opensAt: z.string().nullable(),
  today: z.array(OpenIntervalSchema),
  todayNote: z.string().nullable(),
  /** The instant this status is for: the day words ("mai") count from it, not from the phone's clock. */
  at: z.string(),
});
export type StoreStatusView = z.infer<typeof StoreStatusView>;

/** A store as the shopper's picker shows it. */
export const PublicStore = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  timeZone: z.string(),
  status: StoreStatusView,
  lat: z.number().nullable(),
  lng: z.number().nullable(),
});
export type PublicStore = z.infer<typeof PublicStore>;

export const AdminStore = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  active: z.boolean(),
  closedReason: z.string().nullable(),
  timeZone: z.string(),
  week: WeekHoursSchema,
  exceptions: z.array(z.object({ date: z.string(), intervals: z.array(OpenIntervalSchema), note: z.string() })),
  createdAt: z.number(),
  updatedAt: z.number().nullable(),
  status: StoreStatusView,
  lat: z.number().nullable(),
  lng: z.number().nullable(),
});
export type AdminStore = z.infer<typeof AdminStore>;

/** The pickup times a store offers now, by local date (the first days that have any). */
export const PickupSlotsView = z.object({
  store: PublicStore,
  leadMinutes: z.number(),
  stepMinutes: z.number(),
  days: z.array(z.object({ date: z.string(), slots: z.array(z.string()) })),
});
export type PickupSlotsView = z.infer<typeof PickupSlotsView>;
