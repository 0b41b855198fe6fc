import { describe, expect, it } from "vitest";
import { AutomationConditions, conditionProblems, conditionsMet } from "./automation-conditions";

describe("automation conditions", () => {
  const facts = { order_total: 250_000, store: "st-hue", channel: "table", points_earned: 25 };

  it("all rules must hold: a total at the threshold meets ≥, one đồng below does not", () => {
    expect(conditionsMet([{ var: "order_total", op: "gte", value: 250_000 }], facts)).toBe(true);
    expect(conditionsMet([{ var: "order_total", op: "gte", value: 250_001 }], facts)).toBe(false);
    expect(
      conditionsMet(
        [
          { var: "order_total", op: "lte", value: 250_000 },
          { var: "store", op: "eq", value: "st-hue" },
        ],
        facts,
      ),
    ).toBe(true);
    expect(
      conditionsMet(
        [
          { var: "order_total", op: "lte", value: 250_000 },
          { var: "store", op: "eq", value: "st-vvt" },
        ],
        facts,
      ),
    ).toBe(false);
    expect(conditionsMet([{ var: "channel", op: "neq", value: "pickup" }], facts)).toBe(true);
    expect(conditionsMet([{ var: "points_earned", op: "eq", value: 25 }], facts)).toBe(true);
  });

  it("an empty list always holds; a fact the event does not carry never meets a rule", () => {
    expect(conditionsMet([], {})).toBe(true);
    expect(conditionsMet([{ var: "order_total", op: "lte", value: 1e9 }], { total: "250.000 ₫" })).toBe(false);
    expect(conditionsMet([{ var: "store", op: "neq", value: "st-hue" }], {})).toBe(false);
    // An inherited key is not a fact.
    expect(conditionsMet([{ var: "constructor", op: "neq", value: "x" }], {})).toBe(false);
  });

  it("names what is wrong for the trigger: an unknown var, a text op on a number, a value of the wrong type or outside the list", () => {
    expect(conditionProblems("order_completed", [{ var: "points_earned", op: "gte", value: 10 }])).toEqual([]);
    expect(conditionProblems("order_confirmed", [{ var: "points_earned", op: "gte", value: 10 }])).toEqual([
      { index: 0, var: "points_earned", problem: "UNKNOWN_VAR" },
    ]);
    expect(conditionProblems("follow", [{ var: "order_total", op: "gte", value: 1 }])[0]!.problem).toBe("UNKNOWN_VAR");
    expect(conditionProblems("order_ready", [{ var: "store", op: "gte", value: "st-hue" }])[0]!.problem).toBe("OP_NOT_FOR_VAR");
    expect(conditionProblems("order_ready", [{ var: "order_total", op: "gte", value: "200000" }])[0]!.problem).toBe("VALUE_TYPE");
    expect(conditionProblems("order_ready", [{ var: "channel", op: "eq", value: "delivery" }])[0]!.problem).toBe("VALUE_NOT_ALLOWED");
    expect(conditionProblems("points_expiring", [{ var: "points_lapsing", op: "gte", value: 100 }])).toEqual([]);
    expect(conditionProblems("order_ready", [{ var: "__proto__", op: "eq", value: "x" }])[0]!.problem).toBe("UNKNOWN_VAR");
  });

  it("the schema refuses an unknown op, an empty value and more than ten rules", () => {
    expect(AutomationConditions.safeParse([{ var: "order_total", op: "gt", value: 1 }]).success).toBe(false);
    expect(AutomationConditions.safeParse([{ var: "store", op: "eq", value: "" }]).success).toBe(false);
    expect(AutomationConditions.safeParse(Array.from({ length: 11 }, () => ({ var: "order_total", op: "gte", value: 1 }))).success).toBe(false);
    expect(AutomationConditions.safeParse([{ var: "order_total", op: "gte", value: 200_000 }]).success).toBe(true);
  });
});
