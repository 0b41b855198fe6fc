import type { Menu, MenuProduct, OptionGroup } from "@mc/shared";
import { api } from "../../api/client";
import { fmtVnd } from "@mc/web/format";

export const fetchMenu = (storeId: string) => api.get<Menu>(`/api/stores/${encodeURIComponent(storeId)}/menu`, { auth: false });

/**
 * The price shown on a product sheet while options are picked: base + option deltas, never below 0
 * (the rule of `priceLine` in @mc/shared/orders). Display only: the cart and the order use the server's quote.
 */
export function unitPriceOf(p: Pick<MenuProduct, "priceVnd" | "optionGroups">, optionIds: string[]): number {
  const chosen = new Set(optionIds);
  const delta = p.optionGroups.flatMap((g) => g.options).reduce((s, o) => s + (chosen.has(o.id) ? o.priceDeltaVnd : 0), 0);
  return Math.max(0, p.priceVnd + delta);
}

/** The default picks: the first option of each required `one` group (size M before L). */
export function defaultOptions(groups: OptionGroup[]): string[] {
  return groups.filter((g) => g.kind === "one" && g.required).map((g) => g.options[0]!.id);
}

/** Why the current picks cannot go in the cart yet (a required group left empty), or null. */
export function missingGroup(groups: OptionGroup[], optionIds: string[]): OptionGroup | null {
  const chosen = new Set(optionIds);
  return groups.find((g) => g.required && !g.options.some((o) => chosen.has(o.id))) ?? null;
}

/** "+5.000đ" / "-3.000đ" / "" for an option's price delta. */
export const deltaLabel = (d: number) => (d === 0 ? "" : `${d > 0 ? "+" : "−"}${fmtVnd(Math.abs(d))}`);
