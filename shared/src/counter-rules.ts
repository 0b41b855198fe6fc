/**
 * Counter purchase limits with no dependencies (no zod): the award body's bound (server) and the counter
 * screen's checks (mini app) are the same numbers.
 */

/** The largest bill the counter takes (the award body refuses more). */
export const MAX_PURCHASE_VND = 1_000_000_000;

/** From this amount on the counter asks staff to confirm (a mistyped zero is ten times the points). */
export const CONFIRM_PURCHASE_VND = 5_000_000;

/** What the counter does with a typed amount before sending it. */
export function purchaseCheck(amountVnd: number): "empty" | "too-large" | "confirm" | "ok" {
  if (!Number.isFinite(amountVnd) || amountVnd <= 0) return "empty";
  if (amountVnd > MAX_PURCHASE_VND) return "too-large";
  return amountVnd >= CONFIRM_PURCHASE_VND ? "confirm" : "ok";
}
