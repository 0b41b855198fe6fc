import { z } from "zod";
import { Category } from "./messaging";

/**
 * Automations: a trigger (a domain event), an optional wait, an optional saved segment, then one message.
 * Each fires at most once per person per occurrence of its trigger (the outbox dedupe key
 * `auto:<automationId>:<occurrenceKey>`).
 */
export const AUTOMATION_TRIGGERS = [
  "follow",
  "order_confirmed",
  "order_ready",
  "order_completed",
  "order_cancelled",
  "first_purchase",
  "points_expiring",
  "voucher_expiring",
] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];

/** The variables each trigger's event carries, for `{var}` placeholders in the text and template params. */
export const TRIGGER_VARS: Record<AutomationTrigger, readonly string[]> = {
  follow: ["welcome", "name"],
  order_confirmed: ["code", "total", "amount", "name"],
  order_ready: ["code", "pickup", "table", "name"],
  order_completed: ["code", "total", "amount", "points", "points_line", "rating_link", "name"],
  order_cancelled: ["code", "reason", "name"],
  first_purchase: ["code", "total", "name"],
  points_expiring: ["name", "points", "date"],
  voucher_expiring: ["name", "voucher", "date"],
};

/** The triggers a periodic scan finds ("lapses within N days"): their automation carries N (`withinDays`). */
export const EXPIRING_TRIGGERS: readonly AutomationTrigger[] = ["points_expiring", "voucher_expiring"];
export const DEFAULT_WITHIN_DAYS: Partial<Record<AutomationTrigger, number>> = { points_expiring: 7, voucher_expiring: 3 };

/** A conversion: an order placed within this many days after the automation's message was sent. */
export const CONVERSION_DAYS = 7;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fills `{var}` from the event; an unknown placeholder becomes empty (the editor refuses one it does not know). */
export function renderAutomationText(text: string, vars: Record<string, string | number | null | undefined>): string {
  return text.replace(PLACEHOLDER, (_, k: string) => String(vars[k] ?? "")).trim();
}

/** The placeholders a text uses that its trigger does not carry. */
export function unknownPlaceholders(trigger: AutomationTrigger, text: string): string[] {
  const known = new Set(TRIGGER_VARS[trigger]);
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].filter((k) => !known.has(k));
}

/** The editable part of an automation (its trigger is fixed by the recipe). */
export const AutomationInput = z.object({
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean(),
  waitHours: z
    .number()
    .min(0)
    .max(24 * 90),
  segmentId: z.string().min(1).max(64).nullable(),
  category: Category,
  priority: z.number().int().min(1).max(9),
  text: z.string().trim().min(1).max(2000),
  imageUrl: z.string().url().max(500).nullable(),
  templateId: z.string().min(1).max(64).nullable(),
  templateParams: z.record(z.string().min(1).max(64), z.string().max(500)),
  expiresHours: z
    .number()
    .min(1)
    .max(24 * 30),
  /** For the expiring triggers: how many days ahead of the lapse (ignored by the others). */
  withinDays: z.number().int().min(1).max(90).nullable().optional(),
});
export type AutomationInput = z.infer<typeof AutomationInput>;

export type AutomationFigures = {
  triggered: number;
  waiting: number;
  sent: number;
  held: number;
  pending: number;
  /** Suppressed (and expired/failed/cancelled) by reason, plus runs skipped before queueing (not in the segment, switched off). */
  suppressed: Record<string, number>;
  conversions: number;
};

export type Automation = AutomationInput & {
  id: string;
  trigger: AutomationTrigger;
  vars: readonly string[];
  updatedBy: string | null;
  updatedAt: string | null;
  figures: AutomationFigures;
};
