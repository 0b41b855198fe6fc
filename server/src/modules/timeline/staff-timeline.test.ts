import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TimelineItem } from "@mc/shared";
import { memberCodeOf, newShopper, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

// Staff's read-mostly profile (issue #12): the timeline and notes behind the `{ customer: "visited" }` check.
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));
let mai: Awaited<ReturnType<typeof newShopper>>;
let binh: Awaited<ReturnType<typeof newShopper>>;
let codes: { mai: string; binh: string };

const award = (memberCode: string, storeId: string, receiptId: string) =>
  inject("POST", "/api/staff/points/award", ctx.admin, { memberCode, storeId, amountVnd: 100_000, receiptId });
const timeline = (id: string, token = ctx.staff.token, q = "") => inject("GET", `/api/staff/customers/${id}/timeline${q ? `?${q}` : ""}`, token);
const items = async (id: string, token?: string) => {
  const r = await timeline(id, token);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items as TimelineItem[];
};

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  mai = await newShopper(h, "Lê Thị Mai");
  binh = await newShopper(h, "Trần Văn Bình");
  codes = { mai: await memberCodeOf(h, mai.token), binh: await memberCodeOf(h, binh.token) };
  // Mai earned at q1 (the staff's store) and at q3; Bình only at q3.
  expect((await award(codes.mai, "q1", "R-MAI-1")).statusCode).toBe(200);
  await h.control("POST", "/_emu/clock", { advanceMs: 60_000 });
  expect((await award(codes.mai, "q3", "R-MAI-3")).statusCode).toBe(200);
  expect((await award(codes.binh, "q3", "R-BINH-3")).statusCode).toBe(200);
}, 60_000);
afterAll(async () => h.close());

describe("staff timeline and notes", () => {
  it("staff see a visitor of their store's items there, not another store's; an admin sees all", async () => {
    const mine = await items(mai.customer.id);
    const points = mine.filter((i) => i.kind === "points");
    expect(points.map((i) => i.storeId)).toEqual(["q1"]);
    expect(mine.every((i) => i.kind === "note" || i.storeId === null || i.storeId === "q1")).toBe(true);
    // The same route for an admin (console operator) has no store filter.
    const all = (await items(mai.customer.id, ctx.admin)).filter((i) => i.kind === "points");
    expect(all.map((i) => i.storeId)).toEqual(["q3", "q1"]);
  });

  it("someone who never visited the staff's stores does not exist for them, and a refused note writes nothing", async () => {
    expect((await timeline(binh.customer.id)).json()).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
    expect((await timeline(binh.customer.id)).statusCode).toBe(404);
    expect((await timeline("no-such-person")).statusCode).toBe(404);
    const note = await inject("POST", `/api/staff/customers/${binh.customer.id}/notes`, ctx.staff.token, { text: "Không được ghi" });
    expect(note.statusCode).toBe(404);
    expect(sql("select count(*) as n from customer_notes where customer_id = ?", binh.customer.id)[0].n).toBe(0);
    // A shopper is not staff.
    expect((await timeline(mai.customer.id, mai.token)).statusCode).toBe(403);
    expect((await inject("POST", `/api/staff/customers/${mai.customer.id}/notes`, mai.token, { text: "x" })).statusCode).toBe(403);
  });

  it("a note staff add shows on the timeline with the staff member as author", async () => {
    const staffName = sql("select name from customers where id = ?", ctx.staff.customer.id)[0].name as string;
    const r = await inject("POST", `/api/staff/customers/${mai.customer.id}/notes`, ctx.staff.token, { text: "  Thích trà đào ít đá  " });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().note).toMatchObject({ text: "Thích trà đào ít đá", authorKind: "customer", authorId: ctx.staff.customer.id, authorName: staffName });
    const [newest] = await items(mai.customer.id);
    expect(newest).toMatchObject({ kind: "note", detail: "Thích trà đào ít đá", actor: staffName });
    // Audited like the console's notes, without the text.
    const audit = sql("select actor_id, details from audit_log where action = 'customer.note' and target_id = ?", mai.customer.id);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(ctx.staff.customer.id);
    expect(audit[0].details).not.toContain("trà");
  });

  it("the member code staff hold leads to the person only when they may open them", async () => {
    const byCode = (code: string, token = ctx.staff.token) => inject("GET", `/api/staff/members/${encodeURIComponent(code)}/customer`, token);
    expect((await byCode(codes.mai)).json()).toEqual({ customerId: mai.customer.id });
    // Typed at the counter without the card's dashes, in lower case.
    expect((await byCode(codes.mai.replace(/-/g, "").toLowerCase())).json()).toEqual({ customerId: mai.customer.id });
    const other = await byCode(codes.binh);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("CUSTOMER_NOT_FOUND");
    expect((await byCode("MC-ZZZZ-ZZZZ")).json().code).toBe("CUSTOMER_NOT_FOUND");
    expect((await byCode(codes.binh, ctx.admin)).json()).toEqual({ customerId: binh.customer.id });
    // The counter's lookup still shows any staff member a shortened name only.
    expect((await inject("GET", `/api/staff/members/${encodeURIComponent(codes.binh)}`, ctx.staff.token)).json().member.name).toBe("T. V. Bình");
  });

  it("an order at the staff's store makes a visit once completed, not when placed", async () => {
    const chi = await newShopper(h, "Phạm Chi");
    const o = await place(chi.token);
    expect(o.statusCode, o.body).toBe(201);
    const id = o.json().order.id as string;
    expect((await timeline(chi.customer.id)).statusCode).toBe(404);
    for (const s of ["confirmed", "ready"]) expect((await move(id, s)).statusCode).toBe(200);
    expect((await timeline(chi.customer.id)).statusCode).toBe(404);
    expect((await move(id, "completed")).statusCode).toBe(200);
    const seen = await items(chi.customer.id);
    expect(seen.some((i) => i.kind === "order")).toBe(true);
  });

  it("pages newest first with a cursor, and refuses an unknown kind", async () => {
    const first = (await timeline(mai.customer.id, ctx.staff.token, "limit=1")).json();
    expect(first.items).toHaveLength(1);
    expect(first.next).toBeTruthy();
    const second = (await timeline(mai.customer.id, ctx.staff.token, `limit=1&before=${first.next}`)).json();
    expect(second.items[0].key).not.toBe(first.items[0].key);
    expect(Date.parse(second.items[0].at)).toBeLessThanOrEqual(Date.parse(first.items[0].at));
    expect((await timeline(mai.customer.id, ctx.staff.token, "kinds=nope")).statusCode).toBe(400);
  });
});
