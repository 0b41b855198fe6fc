import { z } from "zod";
import { AutomationConditions, type AutomationCondition, type ConditionVarKind } from "./automation-conditions";
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
  "cart_abandoned",
  "birthday",
  "win_back",
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
  cart_abandoned: ["name", "items", "store", "link"],
  birthday: ["name", "voucher", "voucher_line"],
  win_back: ["name", "days"],
};

/** The triggers a periodic scan finds ("lapses within N days"): their automation carries N (`withinDays`). */
export const EXPIRING_TRIGGERS: readonly AutomationTrigger[] = ["points_expiring", "voucher_expiring"];
export const DEFAULT_WITHIN_DAYS: Partial<Record<AutomationTrigger, number>> = { points_expiring: 7, voucher_expiring: 3, win_back: 45 };
/** The triggers whose automation carries a number of days (`withinDays`): the expiring window, win-back's "no order in N days". */
export const DAYS_TRIGGERS: readonly AutomationTrigger[] = [...EXPIRING_TRIGGERS, "win_back"];
/** Win-back reaches one person at most once in this many days, whatever N is. */
export const WIN_BACK_GAP_DAYS = 30;

/**
 * The day a birthday is celebrated in a year (`MM-DD`): 29 February is kept on 28 February in a year without it,
 * so a leap-day birthday is never skipped and never celebrated twice (1 March would be a second "day" nobody means).
 */
export function birthdayInYear(birthDate: string, year: number): string {
  const mmdd = birthDate.slice(-5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return mmdd === "02-29" && !leap ? "02-28" : mmdd;
}

/** The stored `MM-DD` endings celebrated on a local day `YYYY-MM-DD` (28 Feb of a common year also takes 29 Feb). */
export function birthdaysOn(day: string): string[] {
  const mmdd = day.slice(5);
  return mmdd === "02-28" && birthdayInYear("02-29", Number(day.slice(0, 4))) === "02-28" ? ["02-28", "02-29"] : [mmdd];
}

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
  /** Rules on the event (all must hold), beside the segment; an editor that does not send them keeps the current ones. */
  conditions: AutomationConditions.optional(),
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
  /** For the expiring triggers: how many days ahead of the lapse; for win-back: no order in this many days (ignored by the others). */
  withinDays: z.number().int().min(1).max(365).nullable().optional(),
  /** For the birthday: a free voucher of this campaign, issued at most once a year per person (ignored by the others). */
  voucherCampaignId: z.string().min(1).max(64).nullable().optional(),
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

/** The draft a what-if counts (the editor's current settings; absent fields are the saved ones). */
export const AutomationWhatIfInput = z.object({
  segmentId: z.string().min(1).max(64).nullable().optional(),
  conditions: AutomationConditions.optional(),
  withinDays: z.number().int().min(1).max(90).nullable().optional(),
});
export type AutomationWhatIfInput = z.infer<typeof AutomationWhatIfInput>;

/** How many people it would have reached in the last `days` days, from history, before the send policy. */
export type AutomationWhatIf = {
  days: number;
  people: number;
  occurrences: number;
  /** False where history cannot replay the trigger exactly (the basis says why). */
  exact: boolean;
  /** `history`: from the events' own records; `points_lots` / `voucher_expiry`: replayed from expiry dates; `runs`: from this automation's own recorded runs. */
  basis: "history" | "points_lots" | "voucher_expiry" | "runs";
  /** The segment is who is in it now, not who was in it then. */
  segmentNow: boolean;
};

export type Automation = AutomationInput & {
  conditions: AutomationCondition[];
  /** The facts its rules on the event may read, with their kinds. */
  conditionVars: Record<string, ConditionVarKind>;
  id: string;
  trigger: AutomationTrigger;
  vars: readonly string[];
  updatedBy: string | null;
  updatedAt: string | null;
  figures: AutomationFigures;
};

/** A birthday that can happen: a real day of its month (29 February allowed), a year from 1900 up to today's. */
export function birthDateProblem(birthDate: string, todayKey: string): string | null {
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return "use YYYY-MM-DD or MM-DD";
  const [year, month, day] = [m[1] ? Number(m[1]) : 2000, Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return "no such day";
  if (m[1] && (year < 1900 || birthDate > todayKey)) return "not a birth year";
  return null;
}

/** The shopper's own birthday, as they gave it in the mini app: giving one needs their consent, clearing it does not. */
export const MyBirthdayBody = z
  .object({
    birthDate: z
      .string()
      .regex(/^(\d{4}-)?\d{2}-\d{2}$/)
      .nullable(),
    /** "Chỉ dùng để gửi quà sinh nhật": must be true to keep a birthday. */
    consent: z.boolean(),
  })
  .strict();
export type MyBirthdayBody = z.infer<typeof MyBirthdayBody>;
export const MyBirthday = z.object({ birthDate: z.string().nullable(), consentAt: z.string().nullable() });
export type MyBirthday = z.infer<typeof MyBirthday>;
