import { describe, expect, it } from "vitest";
import { createLoginGuard } from "./login-guard";

const opts = { freeFailures: 3, baseLockMs: 60_000, maxLockMs: 4 * 60_000, maxTracked: 100 };

function guard() {
  let t = 1_000_000;
  const g = createLoginGuard(() => t, opts);
  return { g, advance: (ms: number) => void (t += ms) };
}

describe("console login guard", () => {
  it("locks an account after the free failures, whatever else happens, and doubles the lock up to the cap", () => {
    const { g, advance } = guard();
    for (let i = 0; i < 3; i++) expect(g.begin("a@shop.vn")).toEqual({ ok: true });
    expect(g.begin("a@shop.vn")).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(g.begin("b@shop.vn")).toEqual({ ok: true }); // another account is untouched
    advance(60_000);
    expect(g.begin("a@shop.vn")).toEqual({ ok: true }); // one more try, then 2 min
    expect(g.begin("a@shop.vn")).toEqual({ ok: false, retryAfterMs: 120_000 });
    advance(120_000);
    g.begin("a@shop.vn");
    expect(g.begin("a@shop.vn")).toEqual({ ok: false, retryAfterMs: 240_000 });
    advance(240_000);
    g.begin("a@shop.vn");
    expect(g.begin("a@shop.vn")).toEqual({ ok: false, retryAfterMs: 240_000 }); // capped
  });

  it("counts an attempt as a failure from its start: parallel guesses cannot outrun the count", () => {
    const { g } = guard();
    const verdicts = Array.from({ length: 50 }, () => g.begin("a@shop.vn").ok);
    expect(verdicts.filter(Boolean)).toHaveLength(3);
  });

  it("a success clears the count; quiet failures are forgotten", () => {
    const { g, advance } = guard();
    g.begin("a@shop.vn");
    g.begin("a@shop.vn");
    g.succeeded("a@shop.vn");
    for (let i = 0; i < 3; i++) expect(g.begin("a@shop.vn").ok).toBe(true);
    advance(8 * 60_000 + 1);
    expect(g.begin("a@shop.vn").ok).toBe(true);
    expect(g.begin("a@shop.vn").ok).toBe(true);
  });

  it("stays bounded in memory, dropping unlocked entries before locked ones", () => {
    const { g } = guard();
    for (let i = 0; i < 3; i++) g.begin("locked@shop.vn");
    for (let i = 0; i < 500; i++) g.begin(`x${i}@shop.vn`);
    expect(g.begin("locked@shop.vn").ok).toBe(false);
  });

  it("a lock is never evicted to make room, however many decoy accounts are locked", () => {
    const { g } = guard();
    for (let i = 0; i < 3; i++) g.begin("owner@shop.vn");
    for (let d = 0; d < 150; d++) for (let i = 0; i < 3; i++) g.begin(`decoy${d}@x.vn`);
    expect(g.begin("owner@shop.vn")).toMatchObject({ ok: false });
  });
});
