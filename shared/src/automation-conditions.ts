import { z } from "zod";

/**
 * Rules on the event (besides the optional saved segment): "order total ≥ 200 000 ₫", "store is X",
 * "points ≥ N", "channel is table". All must hold. They read the event's typed facts (numbers, ids), which
 * the owning module adds to the event beside the display strings of `TRIGGER_VARS`.
 */
export const CONDITION_OPS = ["gte", "lte", "eq", "neq"] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type ConditionVarKind = { type: "number"; unit?: "vnd" | "points" } | { type: "store" } | { type: "enum"; values: readonly string[] };

/** The typed facts an event carries for conditions (keys in the event's vars, values numbers or ids). */
const ORDER_FACTS: Record<string, ConditionVarKind> = {
  order_total: { type: "number", unit: "vnd" },
  store: { type: "store" },
  channel: { type: "enum", values: ["pickup", "table"] },
};
/** Keyed by trigger (a trigger absent here has no rules on its event; another module may add its own). */
export const CONDITION_VARS: Record<string, Record<string, ConditionVarKind>> = {
  order_confirmed: ORDER_FACTS,
  order_ready: ORDER_FACTS,
  order_cancelled: ORDER_FACTS,
  first_purchase: ORDER_FACTS,
  order_completed: { ...ORDER_FACTS, points_earned: { type: "number", unit: "points" } },
  points_expiring: { points_lapsing: { type: "number", unit: "points" } },
};

export const AutomationCondition = z.object({
  var: z.string().min(1).max(40),
  op: z.enum(CONDITION_OPS),
  value: z.union([z.number().finite(), z.string().min(1).max(64)]),
});
export type AutomationCondition = z.infer<typeof AutomationCondition>;
export const AutomationConditions = z.array(AutomationCondition).max(10);

export type ConditionProblem = { index: number; var: string; problem: "UNKNOWN_VAR" | "OP_NOT_FOR_VAR" | "VALUE_TYPE" | "VALUE_NOT_ALLOWED" };

/** What is wrong with a condition list for this trigger (empty = fine). Store ids are checked by the server. */
export function conditionProblems(trigger: string, conditions: readonly AutomationCondition[]): ConditionProblem[] {
  const vars = CONDITION_VARS[trigger] ?? {};
  const out: ConditionProblem[] = [];
  conditions.forEach((c, index) => {
    const kind = Object.hasOwn(vars, c.var) ? vars[c.var] : undefined;
    const bad = (problem: ConditionProblem["problem"]) => out.push({ index, var: c.var, problem });
    if (!kind) return bad("UNKNOWN_VAR");
    if (kind.type === "number") {
      if (typeof c.value !== "number") bad("VALUE_TYPE");
      return;
    }
    if (c.op !== "eq" && c.op !== "neq") return bad("OP_NOT_FOR_VAR");
    if (typeof c.value !== "string") return bad("VALUE_TYPE");
    if (kind.type === "enum" && !kind.values.includes(c.value)) bad("VALUE_NOT_ALLOWED");
  });
  return out;
}

function holds(c: AutomationCondition, fact: unknown): boolean {
  // A fact the event does not carry (an older waiting timer, a missing store) never meets a rule.
  if (fact === undefined || fact === null) return false;
  if (typeof c.value === "number") {
    const n = typeof fact === "number" ? fact : Number(fact);
    if (!Number.isFinite(n)) return false;
    if (c.op === "gte") return n >= c.value;
    if (c.op === "lte") return n <= c.value;
    if (c.op === "eq") return n === c.value;
    return n !== c.value;
  }
  if (c.op === "eq") return String(fact) === c.value;
  if (c.op === "neq") return String(fact) !== c.value;
  return false;
}

/** True when every condition holds on the event's facts (an empty list always holds). */
export function conditionsMet(conditions: readonly AutomationCondition[], facts: Record<string, unknown>): boolean {
  return conditions.every((c) => holds(c, Object.hasOwn(facts, c.var) ? facts[c.var] : undefined));
}
