import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkQrLink, dayKey, GameCampaignInput, gameWindowState, oddsOf, pickWeighted, qrDeepLink, qrLinkData } from "./games";

describe("pickWeighted", () => {
  it("maps every random value to exactly weight-many outcomes, so the odds are the published weights", () => {
    const weights = [5, 0, 3, 2];
    const hits = [0, 0, 0, 0];
    for (let r = 0; r < 10; r++) hits[pickWeighted(weights, () => r)]!++;
    expect(hits).toEqual(weights);
  });

  it("asks the random source for an integer below the sum of the weights", () => {
    let asked = -1;
    pickWeighted([7, 3], (max) => ((asked = max), 0));
    expect(asked).toBe(10);
  });

  it("never picks a zero-weight slice", () => {
    expect(pickWeighted([0, 1, 0], () => 0)).toBe(1);
  });

  it("refuses weights that are negative, fractional or all zero", () => {
    expect(() => pickWeighted([0, 0], () => 0)).toThrow();
    expect(() => pickWeighted([-1, 2], () => 0)).toThrow();
    expect(() => pickWeighted([0.5, 1], () => 0)).toThrow();
  });

  it("refuses a random source that goes out of range instead of silently biasing", () => {
    expect(() => pickWeighted([1, 1], () => 2)).toThrow();
  });
});

describe("oddsOf", () => {
  it("turns weights into probabilities", () => {
    expect(oddsOf([1, 3])).toEqual([0.25, 0.75]);
    expect(oddsOf([0, 0])).toEqual([0, 0]);
  });
});

describe("dayKey", () => {
  it("counts days in the shop's time zone, not UTC", () => {
    expect(dayKey(Date.parse("2026-03-01T16:59:59Z"), "Asia/Ho_Chi_Minh")).toBe("2026-03-01");
    expect(dayKey(Date.parse("2026-03-01T17:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2026-03-02");
    expect(dayKey(Date.parse("2026-03-01T04:59:59Z"), "America/New_York")).toBe("2026-02-28");
    expect(dayKey(Date.parse("2026-03-01T05:00:00Z"), "America/New_York")).toBe("2026-03-01");
  });

  it("follows daylight saving where the zone has it", () => {
    // New York is UTC-4 in July: local midnight is 04:00Z.
    expect(dayKey(Date.parse("2026-07-01T03:59:59Z"), "America/New_York")).toBe("2026-06-30");
    expect(dayKey(Date.parse("2026-07-01T04:00:00Z"), "America/New_York")).toBe("2026-07-01");
  });
});

describe("gameWindowState", () => {
  const g = { active: true, startsAt: 1000, endsAt: 2000 };
  it("is open from the start (inclusive) to the end (exclusive)", () => {
    expect(gameWindowState(g, 999)).toBe("not_started");
    expect(gameWindowState(g, 1000)).toBe("open");
    expect(gameWindowState(g, 1999)).toBe("open");
    expect(gameWindowState(g, 2000)).toBe("ended");
  });
  it("an inactive game is closed whatever the dates", () => {
    expect(gameWindowState({ ...g, active: false }, 1500)).toBe("inactive");
    expect(gameWindowState({ active: true, startsAt: null, endsAt: null }, 0)).toBe("open");
  });
});

describe("signed QR links", () => {
  const mac = (data: string) => createHmac("sha256", "k").update(data).digest("base64url").slice(0, 22);
  const sig = mac(qrLinkData("q1", "game-1"));

  it("accepts the link the server signed", () => {
    expect(checkQrLink({ store: "q1", campaign: "game-1", sig }, mac)).toEqual({ ok: true, store: "q1", campaign: "game-1" });
  });

  it("refuses a link whose store or campaign was changed", () => {
    expect(checkQrLink({ store: "q2", campaign: "game-1", sig }, mac)).toEqual({ ok: false, reason: "forged" });
    expect(checkQrLink({ store: "q1", campaign: "game-2", sig }, mac)).toEqual({ ok: false, reason: "forged" });
    expect(checkQrLink({ store: "q1", campaign: "game-1", sig: sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A") }, mac)).toEqual({
      ok: false,
      reason: "forged",
    });
  });

  it("refuses an unsigned or incomplete link", () => {
    expect(checkQrLink({ store: "q1", campaign: "game-1" }, mac)).toEqual({ ok: false, reason: "missing" });
    expect(checkQrLink({ store: "q1", sig }, mac)).toEqual({ ok: false, reason: "missing" });
    expect(checkQrLink({ store: ["q1"], campaign: "game-1", sig }, mac)).toEqual({ ok: false, reason: "missing" });
  });

  it("cannot move the separator: one signature covers one (store, campaign) pair", () => {
    const s = mac(qrLinkData("a", "b|c"));
    expect(checkQrLink({ store: "a|b", campaign: "c", sig: s }, mac).ok).toBe(false);
  });

  it("builds a Zalo Mini App deep link carrying store, campaign and sig", () => {
    const url = qrDeepLink({ miniAppId: "123", store: "q1", campaign: "game-1", sig });
    expect(url).toBe(`https://zalo.me/s/123/?store=q1&campaign=game-1&sig=${sig}`);
    const params = Object.fromEntries(new URL(url).searchParams);
    expect(checkQrLink(params, mac).ok).toBe(true);
  });
});

describe("GameCampaignInput", () => {
  const base = {
    name: "Vòng quay",
    kind: "wheel",
    prizes: [
      { label: "50 điểm", kind: "points", points: 50, weight: 1, stock: 10 },
      { label: "Chúc may mắn", kind: "none", weight: 9 },
    ],
  };
  it("accepts a wheel with a no-prize slice", () => {
    expect(GameCampaignInput.safeParse(base).success).toBe(true);
  });
  it("requires a no-prize slice (where out-of-stock draws land)", () => {
    expect(GameCampaignInput.safeParse({ ...base, prizes: [base.prizes[0], base.prizes[0]] }).success).toBe(false);
  });
  it("requires each prize to say what it gives", () => {
    expect(GameCampaignInput.safeParse({ ...base, prizes: [{ label: "?", kind: "voucher", weight: 1 }, base.prizes[1]] }).success).toBe(false);
    expect(GameCampaignInput.safeParse({ ...base, prizes: [{ label: "?", kind: "points", weight: 1 }, base.prizes[1]] }).success).toBe(false);
  });
  it("refuses an end before the start and weights that add up to 0", () => {
    expect(GameCampaignInput.safeParse({ ...base, startsAt: "2026-03-02T00:00:00Z", endsAt: "2026-03-01T00:00:00Z" }).success).toBe(false);
    expect(GameCampaignInput.safeParse({ ...base, prizes: base.prizes.map((p) => ({ ...p, weight: 0 })) }).success).toBe(false);
  });
});
