/** Vietnamese number, money, date and phone formats: one way for every screen of both apps. */
export const fmtNumber = (n: number) => n.toLocaleString("vi-VN");
/** 12.000đ */
export const fmtVnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
/** 1.200 điểm */
export const fmtPoints = (n: number) => `${n.toLocaleString("vi-VN")} điểm`;
/** A fraction as a percentage: 0.125 → 12,5% */
export const fmtPct = (x: number) => `${(x * 100).toLocaleString("vi-VN", { maximumFractionDigits: 2 })}%`;

const pad = (n: number) => String(n).padStart(2, "0");
type When = string | number | null | undefined;

/** The calendar fields of a moment on the device's clock, or in `timeZone` (the shop's, say). */
function fieldsOf(at: string | number, timeZone?: string) {
  const d = new Date(at);
  if (!timeZone) return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
  const opts = { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" } as const;
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-GB", opts).formatToParts(d).map((x) => [x.type, Number(x.value)]));
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** 05/03/2025 (the device's time zone unless given one), "—" for no date. */
export function fmtDate(at: When, timeZone?: string): string {
  if (at == null || at === "") return "—";
  const f = fieldsOf(at, timeZone);
  return `${pad(f.day)}/${pad(f.month)}/${f.year}`;
}

/** 14:05, "—" for no time. */
export function fmtTime(at: When, timeZone?: string): string {
  if (at == null || at === "") return "—";
  const f = fieldsOf(at, timeZone);
  return `${pad(f.hour)}:${pad(f.minute)}`;
}

/** 14:05 · 05/03/2025, "—" for no time. */
export function fmtDateTime(at: When, timeZone?: string): string {
  if (at == null || at === "") return "—";
  return `${fmtTime(at, timeZone)} · ${fmtDate(at, timeZone)}`;
}

/**
 * A Vietnamese mobile number as people write it, 0xx xxx xxxx: from Zalo's `84…` form or a national one, and
 * the server's masked form too ("84•••••4321" → "0•• ••• 4321"). Anything else is shown as it came.
 */
export function fmtPhone(phone: string): string {
  const national = phone.startsWith("84") ? phone.slice(2) : phone.startsWith("0") ? phone.slice(1) : null;
  if (national === null || !/^[\d•]{9}$/.test(national)) return phone;
  const d = `0${national}`;
  return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}
