/**
 * Local wall time in an IANA zone, with no dependencies (no zod): the send policy, game days and store
 * hours all read the shop's clock through this one function; the mini app can import it too.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
// Offsets change at most at DST transitions (on the hour): cache per zone and hour, since a broadcast
// preview asks for the same instant a million times.
const offsets = new Map<string, number>();
/** Minutes east of UTC for `tz` at instant `at`. */
export function tzOffsetMinutes(tz: string, at: number): number {
  const key = `${tz}|${Math.floor(at / 3_600_000)}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const p = localParts(at, tz);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  const off = Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, off);
  return off;
}

/** The wall clock's year, month, day, hour (0–23) and minute in `tz` at instant `at`, as Intl writes them. */
export function localParts(at: number, tz: string): Record<string, string> {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(tz, f);
  }
  return Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
}

/** Whether `tz` names a time zone this runtime knows (Intl throws a RangeError otherwise). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
