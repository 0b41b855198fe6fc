import type { CustomerSort } from "@mc/shared";

/** The customer list's filters as the URL and the API spell them ('' = not set). */
export type Filters = {
  q: string;
  tier: string;
  follower: "" | "yes" | "no";
  storeId: string;
  tag: string;
  orderDaysMin: string;
  orderDaysMax: string;
  visitDaysMin: string;
  visitDaysMax: string;
  segmentId: string;
  sort: CustomerSort;
};
export const FILTER_KEYS = ["tier", "follower", "storeId", "tag", "orderDaysMin", "orderDaysMax", "visitDaysMin", "visitDaysMax", "segmentId"] as const;
export const DAY_KEYS = ["orderDaysMin", "orderDaysMax", "visitDaysMin", "visitDaysMax"] as const;

export const NO_FILTERS: Filters = {
  q: "",
  tier: "",
  follower: "",
  storeId: "",
  tag: "",
  orderDaysMin: "",
  orderDaysMax: "",
  visitDaysMin: "",
  visitDaysMax: "",
  segmentId: "",
  sort: "newest",
};

const SORTS: readonly string[] = ["newest", "name", "points", "lastInteraction"];

export function filtersFrom(q: URLSearchParams): Filters {
  const f = { ...NO_FILTERS };
  f.q = q.get("q") ?? "";
  for (const k of FILTER_KEYS) (f as Record<string, string>)[k] = q.get(k) ?? "";
  if (f.follower !== "yes" && f.follower !== "no") f.follower = "";
  for (const k of DAY_KEYS) if (!/^\d{1,4}$/.test(f[k])) f[k] = "";
  const sort = q.get("sort") ?? "";
  if (SORTS.includes(sort)) f.sort = sort as CustomerSort;
  return f;
}

/** The query string of these filters (empty values left out); `sort` only when asked, the export takes none. */
export function queryOf(f: Filters, opts: { sort: boolean }): URLSearchParams {
  const q = new URLSearchParams();
  if (f.q.trim()) q.set("q", f.q.trim());
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k]);
  if (opts.sort && f.sort !== "newest") q.set("sort", f.sort);
  return q;
}

/** Problems the server would refuse (days are whole numbers up to 3650; min ≤ max reads oddly otherwise). */
export function filterProblems(f: Filters): string[] {
  const out: string[] = [];
  for (const k of DAY_KEYS) if (f[k] && Number(f[k]) > 3650) out.push("Số ngày tối đa là 3650");
  const pair = (a: string, b: string, what: string) => {
    if (a && b && Number(a) > Number(b)) out.push(`${what}: «ít nhất» lớn hơn «nhiều nhất», không ai khớp`);
  };
  pair(f.orderDaysMin, f.orderDaysMax, "Đơn hàng gần nhất");
  pair(f.visitDaysMin, f.visitDaysMax, "Lần ghé gần nhất");
  return [...new Set(out)];
}

export const activeFilterCount = (f: Filters) => FILTER_KEYS.filter((k) => f[k] !== "").length;

/** The list's last URL (its filters), so a profile's back link returns to the same list. */
let lastList = "#/customers";
export const rememberList = (query: string) => {
  lastList = `#/customers${query ? `?${query}` : ""}`;
};
export const lastListHref = () => lastList;
