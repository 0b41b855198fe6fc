import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newShopper, TEST_ENV, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";
import { createAutomationRepo } from "../automations/repo";
import { syncRepo } from "../../db/test-sync";
import { sqliteStore } from "../../db/store";
import { createTimerWorker } from "../automations/timers";

const HOUR = 3_600_000;
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  // 10:00 in Vietnam, outside quiet hours.
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
});
afterAll(async () => h.close());

const advance = (ms: number) => h.control("POST", "/_emu/clock", { advanceMs: ms });
const timers = () => h.app.services.automationTimers;
const put = (token: string, items: unknown[], storeId = "q1") => inject("PUT", `/api/me/carts/${storeId}`, token, { items });
const reminders = (customerId: string) =>
  sql("select dedupe_key, category, text from outbox where customer_id = ? and source = 'cart_abandoned' order by id", customerId) as {
    dedupe_key: string;
    category: string;
    text: string;
  }[];
const runsOf = (customerId: string) =>
  sql("select occurrence_key, state, reason from automation_runs where customer_id = ? and automation_id = 'cart-abandoned' order by id", customerId) as {
    occurrence_key: string;
    state: string;
    reason: string | null;
  }[];
const twoTeas = () => [{ productId: menu.tea, quantity: 2, optionIds: ["pearl", "L"] }];

describe("carts on the server", () => {
  it("saves a cart priced and named by the menu (client prices never taken) and reads it back on another session", async () => {
    const s = await newShopper(h, "Khách giỏ hàng");
    const res = await put(s.token, [...twoTeas(), { productId: menu.banhMi, quantity: 1, optionIds: [] }]);
    expect(res.statusCode, res.body).toBe(200);
    const cart = res.json().cart;
    expect(cart.version).toBe(1);
    expect(cart.lines).toEqual([
      {
        productId: menu.tea,
        optionIds: ["L", "pearl"],
        quantity: 2,
        name: "Trà sữa",
        optionNames: ["L", "Trân châu"],
        unitPriceVnd: 48_000,
        imageUrl: "https://cdn.example.vn/tra-sua.jpg",
      },
      { productId: menu.banhMi, optionIds: [], quantity: 1, name: "Bánh mì", optionNames: [], unitPriceVnd: 25_000, imageUrl: null },
    ]);
    // A second login (another phone) finds it.
    const again = (
      await h.app.inject({
        method: "POST",
        url: "/api/auth/zalo",
        payload: { accessToken: (await h.control("POST", `/_emu/users/${s.appUserId}/token`)).accessToken },
      })
    ).json();
    const mine = (await inject("GET", "/api/me/carts", again.token)).json().carts;
    expect(mine).toEqual([cart]);
  });

  it("refuses what the menu does not sell there, bad options and unknown stores, writing nothing", async () => {
    const s = await newShopper(h, "Khách sai món");
    const q3Only = await put(s.token, [{ productId: menu.q3Only, quantity: 1, optionIds: [] }]);
    expect([q3Only.statusCode, q3Only.json().code]).toEqual([409, "PRODUCT_UNAVAILABLE"]);
    const badOption = await put(s.token, [{ productId: menu.tea, quantity: 1, optionIds: ["XL"] }]);
    expect([badOption.statusCode, badOption.json().code]).toEqual([400, "OPTION_INVALID"]);
    const noStore = await put(s.token, twoTeas(), "nowhere");
    expect([noStore.statusCode, noStore.json().code]).toEqual([404, "STORE_NOT_FOUND"]);
    const price = await inject("PUT", "/api/me/carts/q1", s.token, { items: [{ ...twoTeas()[0], unitPriceVnd: 1 }] });
    expect(price.statusCode).toBe(400);
    expect(sql("select count(*) as n from carts where customer_id = ?", s.customer.id)[0].n).toBe(0);
    expect(runsOf(s.customer.id)).toEqual([]);
  });
});

describe("the abandoned-cart recipe", () => {
  it("reminds once, 2 hours after the last change, with a link that reopens the cart; a retried save and a redelivered timer send nothing more", async () => {
    const s = await newShopper(h, "Khách bỏ quên");
    const first = (await put(s.token, twoTeas())).json().cart;
    await advance(HOUR);
    // An edit restarts the wait: the first version's timer ends, the second's runs from now.
    const second = (await put(s.token, [...twoTeas(), { productId: menu.banhMi, quantity: 1, optionIds: [] }])).json().cart;
    expect(second.version).toBe(2);
    // The same cart saved again (a retry, a second tab) is not a change.
    expect((await put(s.token, [...twoTeas(), { productId: menu.banhMi, quantity: 1, optionIds: [] }])).json().cart.version).toBe(2);
    const cartId = sql("select id from carts where customer_id = ?", s.customer.id)[0].id as string;
    expect(runsOf(s.customer.id)).toEqual([
      { occurrence_key: `cart:${cartId}:v1`, state: "cancelled", reason: "CART_CHANGED" },
      { occurrence_key: `cart:${cartId}:v2`, state: "waiting", reason: null },
    ]);
    expect(first.version).toBe(1);

    await advance(HOUR + 30 * 60_000); // 2.5 h after the first save, 1.5 h after the last change: not yet
    await timers().drain();
    expect(reminders(s.customer.id)).toEqual([]);

    await advance(HOUR);
    await timers().drain();
    await timers().drain();
    const sent = reminders(s.customer.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.dedupe_key).toBe(`auto:cart-abandoned:cart:${cartId}:v2`);
    expect(sent[0]!.category).toBe("care");
    expect(sent[0]!.text).toContain("Khách bỏ quên");
    expect(sent[0]!.text).toContain("2× Trà sữa (L, Trân châu), 1× Bánh mì");
    expect(sent[0]!.text).toContain(`https://zalo.me/s/${TEST_ENV.ZALO_MINI_APP_ID}/`);
    expect(sent[0]!.text).toContain("?store=q1&open=cart");

    // The event redelivered (the same version) records nothing new.
    h.app.services.db.$client.transaction(() =>
      h.app.services.automations.onEvent({ trigger: "cart_abandoned", customerId: s.customer.id, occurrenceKey: `cart:${cartId}:v2`, vars: {} }),
    )();
    await advance(3 * HOUR);
    await timers().drain();
    expect(reminders(s.customer.id)).toHaveLength(1);
  });

  it("an order at the store ends the cart and its timer; an emptied cart ends it too", async () => {
    const s = await newShopper(h, "Khách đặt món");
    await put(s.token, twoTeas());
    await put(s.token, [{ productId: menu.tea, quantity: 1, optionIds: ["M"] }], "q3");
    const o = await place(s.token);
    expect(o.statusCode, o.body).toBe(201);
    expect((await inject("GET", "/api/me/carts", s.token)).json().carts.map((c: { storeId: string }) => c.storeId)).toEqual(["q3"]);
    await put(s.token, [], "q3");
    expect((await inject("GET", "/api/me/carts", s.token)).json().carts).toEqual([]);
    expect(runsOf(s.customer.id).map((r) => [r.state, r.reason])).toEqual([
      ["cancelled", "ORDER_PLACED"],
      ["cancelled", "CART_EMPTIED"],
    ]);
    await advance(5 * HOUR);
    await timers().drain();
    expect(reminders(s.customer.id)).toEqual([]);
  });

  it("survives a worker that died holding the timer: another process sends it once, after the lease", async () => {
    const s = await newShopper(h, "Khách khởi động lại");
    await put(s.token, twoTeas());
    await advance(2 * HOUR + 60_000);
    const db = h.app.services.db;
    const repo = syncRepo(createAutomationRepo, db);
    const at = h.emu.clock.now();
    // The dead worker claimed it (lease for a minute) and never fired it.
    const claimed = db.$client.transaction(() => repo.claim({ owner: "dead", until: at + 60_000, now: at, n: 10_000 }))();
    expect(claimed.some((r) => r.customer_id === s.customer.id)).toBe(true);
    const other = createTimerWorker({ store: sqliteStore(db), repo, fire: h.app.services.automations.fire, now: () => h.emu.clock.now() });
    await other.drain();
    expect(reminders(s.customer.id)).toEqual([]); // the lease still holds
    await advance(2 * 60_000);
    await other.drain();
    await timers().drain();
    expect(reminders(s.customer.id)).toHaveLength(1);
    expect(runsOf(s.customer.id)).toEqual([expect.objectContaining({ state: "queued", reason: null })]);
  });

  it("a timer cancelled after a worker claimed it sends nothing", async () => {
    const s = await newShopper(h, "Khách đổi ý");
    await put(s.token, twoTeas());
    await advance(2 * HOUR + 60_000);
    const db = h.app.services.db;
    const repo = syncRepo(createAutomationRepo, db);
    const at = h.emu.clock.now();
    const mine = db.$client.transaction(() => repo.claim({ owner: "w1", until: at + 60_000, now: at, n: 10_000 }))();
    expect(mine.some((r) => r.customer_id === s.customer.id)).toBe(true);
    // The shopper orders while the worker holds the row; then the worker fires its batch.
    expect((await place(s.token)).statusCode).toBe(201);
    for (const r of mine) {
      if (!repo.holds(r.id, "w1")) continue;
      throw new Error(`run ${r.id} of ${r.customer_id} should have been released`);
    }
    expect(reminders(s.customer.id)).toEqual([]);
    expect(runsOf(s.customer.id)).toEqual([expect.objectContaining({ state: "cancelled", reason: "ORDER_PLACED" })]);
  });
});
