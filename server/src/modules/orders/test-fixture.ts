import { bearer, startHarness, withStoreAndStaff } from "../../test-support";
import { seedMenu } from "../menu/test-fixture";

/** A fresh server + emulator with the test shop (stores, staff, admin) and its menu: what order-taking tests start from. */
export async function startShop(env: Record<string, string> = {}) {
  const h = await startHarness(env);
  const ctx = await withStoreAndStaff(h);
  const menu = await seedMenu(h, ctx.admin);
  return { h, ctx, menu };
}
export type Shop = Awaited<ReturnType<typeof startShop>>;

/** The reads and calls order-taking tests make, on the shop `shop()` returns (set up in the file's beforeAll). */
export function shopCalls(shop: () => Shop) {
  const sql = (q: string, ...args: unknown[]) =>
    shop()
      .h.app.services.db.$client.prepare(q)
      .all(...args) as any[];
  const count = (table: string) => sql(`select count(*) as n from ${table}`)[0].n as number;
  const inject = (method: "GET" | "POST" | "PUT", url: string, token: string, payload?: unknown) =>
    shop().h.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });
  const inAnHour = () => new Date(shop().h.emu.clock.now() + 3_600_000).toISOString();
  let req = 0;
  /** 2 large teas with pearls at q1, paid at the counter: 96,000 VND. */
  const place = (token: string, over: Record<string, unknown> = {}) =>
    inject("POST", "/api/orders", token, {
      storeId: "q1",
      items: [{ productId: shop().menu.tea, quantity: 2, optionIds: ["L", "pearl"] }],
      pickup: { type: "pickup", at: inAnHour() },
      payment: "counter",
      expectedTotal: 96_000,
      requestId: `req-${++req}-${Date.now()}`,
      ...over,
    });
  /** A staff member (q1's by default) moves order `id` on. */
  const move = (id: string, status: string, token = shop().ctx.staff.token, reason?: string) =>
    inject("POST", `/api/staff/orders/${id}/status`, token, { status, ...(reason ? { reason } : {}) });
  return { sql, count, inject, inAnHour, place, move };
}
