import { describe, expect, it } from "vitest";
import { fillCanned, unknownCannedVariables, REPLY_FREE_MS, REPLY_WINDOW_MS, replyWindow } from "./inbox";

describe("replyWindow (Zalo's consultation window, §5.6)", () => {
  const t = 1_760_000_000_000;
  it("is free for 48 h after the person's last message, billable to 7 days, then closed", () => {
    expect(replyWindow(t, t)).toEqual({ state: "free", freeUntil: t + REPLY_FREE_MS, closesAt: t + REPLY_WINDOW_MS });
    expect(replyWindow(t, t + REPLY_FREE_MS - 1).state).toBe("free");
    expect(replyWindow(t, t + REPLY_FREE_MS).state).toBe("paid");
    expect(replyWindow(t, t + REPLY_WINDOW_MS - 1).state).toBe("paid");
    expect(replyWindow(t, t + REPLY_WINDOW_MS).state).toBe("closed");
  });
  it("is closed for someone who never wrote", () => {
    expect(replyWindow(null, t)).toEqual({ state: "closed", freeUntil: null, closesAt: null });
  });
});

describe("canned answers", () => {
  it("fill name, points and last order, and never leave a {variable}", () => {
    expect(fillCanned("Chào {name}, {points} điểm, đơn {last_order}", { name: "Hà", points: 1200, lastOrder: "MC-1" })).toBe("Chào Hà, 1.200 điểm, đơn MC-1");
    expect(fillCanned("{name} {points} {last_order}", { name: "", points: null, lastOrder: null })).toBe("bạn 0 (chưa có đơn)");
  });
  it("name the variables they may not use", () => {
    expect(unknownCannedVariables("Chào {name}, {points} điểm, {last_order}")).toEqual([]);
    expect(unknownCannedVariables("Chào {ten}, đơn {lastOrder} {ten} {}")).toEqual(["ten", "lastOrder", ""]);
  });
});
