/**
 * For tests: the running app's routes with what each declares (access, scope) and what its OpenAPI
 * document says it takes (body, params, query), so the authorization matrix and the bad-input fuzz walk
 * every route without a list anyone must keep up to date. Also a digest of the whole database, to prove
 * that a refused request wrote nothing.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ALWAYS_OPEN_WEEK, DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES } from "@mc/shared";
import type { Db } from "../db/client";
import type { Access, ConsoleRoles, Scope } from "./auth";

type JsonSchema = Record<string, any>;
export type RouteEntry = {
  method: string;
  url: string;
  access: Access;
  scope?: Scope;
  roles: ConsoleRoles;
  hasBody: boolean;
  body?: JsonSchema;
  params: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
};

export function routeTable(app: FastifyInstance): RouteEntry[] {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, any>> } }).swagger();
  const ops = new Map<string, any>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) ops.set(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`, op);
  }
  return app.mcRoutes
    .filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS")
    .map((r) => {
      const op = ops.get(`${r.method} ${r.url}`) ?? {};
      const body = op.requestBody?.content?.["application/json"]?.schema as JsonSchema | undefined;
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      return {
        ...r,
        hasBody: !!body,
        body,
        params: params.filter((p) => p.in === "path").map((p) => ({ name: p.name, schema: p.schema })),
        query: params.filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
      };
    });
}

const CAMPAIGN = { name: "Giảm 10%", kind: "percent_off", value: 10, validDaysAfterClaim: 30 };
const GAME = {
  name: "Vòng quay",
  kind: "wheel",
  storeIds: ["q1"],
  playsPerDay: 1,
  prizes: [
    { label: "1 điểm", kind: "points", points: 1, weight: 1 },
    { label: "Chúc may mắn", kind: "none", weight: 1 },
  ],
};
const ITEMS = [{ productId: "zzzz", quantity: 1 }];
const SEGMENT_RULES = {
  all: [
    { kind: "tags", tags: ["vip"], match: "any" },
    {
      any: [
        { kind: "lastVisit", min: 30, max: 365 },
        { kind: "spend", days: 90, min: 100_000 },
        { none: [{ kind: "birthdayMonth", months: [1, 12], thisMonth: true }] },
      ],
    },
    { kind: "promotionsAllowed" },
  ],
};
const SEGMENT = { name: "Khách VIP lâu chưa ghé", description: "mẫu", rules: SEGMENT_RULES };

/**
 * Bodies that pass validation: routes whose verdict is only visible past it (a store or ownership check
 * inside the service) need one, and the fuzz breaks them one field at a time so its odd values reach the
 * services. `"$STORE"` is replaced by the store under test.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
  "PUT /api/me/message-prefs": { offersPerWeek: 1, pausedUntil: null, mutedCategories: [] },
  "PUT /api/me/birthday": { birthDate: "05-14", consent: true },
  "POST /api/orders/quote": { storeId: "$STORE", items: ITEMS },
  "POST /api/orders": {
    storeId: "$STORE",
    items: ITEMS,
    pickup: { type: "table", table: "5" },
    payment: "counter",
    expectedTotal: 10_000,
    requestId: "sample-request",
  },
  "POST /api/admin/voucher-campaigns": CAMPAIGN,
  "PUT /api/admin/voucher-campaigns/:id": CAMPAIGN,
  "PUT /api/admin/voucher-campaigns/:id/active": { active: false },
  "POST /api/admin/games": GAME,
  "PUT /api/admin/games/:id": GAME,
  "PUT /api/admin/loyalty/rules": DEFAULT_LOYALTY_RULES,
  "PUT /api/admin/warming-rules": { rules: DEFAULT_WARMING_RULES, note: "mẫu" },
  "POST /api/admin/warming-rules/what-if": { rules: DEFAULT_WARMING_RULES },
  "POST /api/admin/broadcasts": { name: "Cuối tuần", category: "promotion", content: { text: "Giảm 20% cuối tuần!" }, audience: { followersOnly: true } },
  "POST /api/admin/zns/templates": { id: "tpl-sample", name: "Đơn hàng", tag: 1, params: [] },
  "POST /api/admin/zns/templates/import": { templateId: "100001" },
  "PATCH /api/admin/zns/templates/:id": { label: "Mẫu đơn hàng" },
  "POST /api/admin/zns/test-send": { phone: "0912345678", templateId: "tpl-sample", data: {} },
  "POST /api/admin/menu/categories": { name: "Đồ uống", position: 1 },
  "PUT /api/admin/menu/categories/:id": { name: "Đồ uống", position: 1 },
  "POST /api/admin/menu/products": { categoryId: "zzzz", name: "Trà đá", priceVnd: 10_000, storeIds: ["q1"] },
  "PUT /api/admin/menu/products/:id": { categoryId: "zzzz", name: "Trà đá", priceVnd: 10_000, storeIds: ["q1"] },
  // A whole-menu order that lists nothing: valid, and refused as not the menu there is (MENU_ORDER_STALE), writing nothing.
  "PUT /api/admin/menu/order": { categories: [] },
  "PUT /api/admin/customers/:id/role": { role: "staff", storeIds: ["q1"] },
  "PUT /api/admin/customers/:id/tags": { tags: ["vip"] },
  "POST /api/admin/customers/:id/points/adjust": { delta: 5, reason: "Quà tặng", idempotencyKey: "sample-adjust" },
  "POST /api/admin/customers/:id/erase": { reason: "Khách yêu cầu" },
  "POST /api/admin/customers/:id/notes": { text: "Khách thích trà ít đường" },
  "POST /api/staff/customers/:id/notes": { text: "Khách hay gọi trà đào" },
  "POST /api/admin/stores": { id: "sample-store", name: "Cửa hàng mẫu" },
  "PUT /api/admin/auto-replies/:intent": { keywords: ["điểm"], priority: 20, enabled: true },
  "PUT /api/admin/stores/:id": {
    name: "Cửa hàng mẫu",
    address: "1 Lê Lợi",
    active: true,
    closedReason: null,
    timeZone: "Asia/Ho_Chi_Minh",
    week: {
      ...ALWAYS_OPEN_WEEK,
      mon: [
        { open: "07:00", close: "11:30" },
        { open: "13:00", close: "22:00" },
      ],
      sat: [{ open: "18:00", close: "02:00" }],
      sun: [],
    },
    exceptions: [{ date: "2027-02-06", intervals: [], note: "Mùng 1 Tết" }],
  },
  "POST /api/admin/stores/:id/close": { reason: "Sửa chữa" },
  "POST /api/admin/login": { email: "owner@shop.vn", password: "not the password" },
  "POST /api/staff/points/award": { memberCode: "ZZZZ2345", storeId: "$STORE", amountVnd: 100_000, receiptId: "R-sample" },
  "POST /api/staff/vouchers/inspect": { code: "ZZZZ2345", storeId: "$STORE" },
  "POST /api/staff/vouchers/redeem": { code: "ZZZZ2345", storeId: "$STORE" },
  "POST /api/staff/vouchers/by-member": { memberCode: "ZZZZ2345", storeId: "$STORE" },
  "POST /api/staff/orders/:id/status": { status: "confirmed" },
  "PUT /api/staff/stores/:storeId/products/:id/availability": { available: true },
  "POST /api/me/orders/:id/cancel": { reason: "Tôi đổi ý" },
  "POST /api/me/orders/:id/rating": { stars: 4, comment: "Ngon" },
  "POST /api/admin/segments": SEGMENT,
  "PUT /api/admin/segments/:id": SEGMENT,
  "POST /api/admin/segments/preview": { rules: SEGMENT_RULES },
  "POST /api/admin/operators": { email: "sample@shop.vn", name: "Mẫu", role: "marketer", password: "sample-password-1" },
  "PUT /api/admin/operators/:id": { name: "Mẫu", role: "marketer", storeIds: [] },
  "POST /api/admin/operators/:id/password": { password: "sample-password-2" },
  "PUT /api/admin/me/password": { currentPassword: "not the password", newPassword: "sample-password-3" },
  "POST /api/admin/staff": { memberCode: "ZZZZ2345", storeIds: ["$STORE"] },
  "POST /api/admin/staff/:id/revoke": { storeIds: ["$STORE"] },
  "PUT /api/admin/automations/:id": {
    name: "Mẫu",
    enabled: true,
    waitHours: 1,
    segmentId: null,
    category: "care",
    priority: 5,
    text: "Cảm ơn {name}",
    imageUrl: null,
    templateId: null,
    templateParams: {},
    expiresHours: 24,
  },
};

/** Query strings that pass validation, for routes whose verdict is only visible past it (`"$STORE"` as above). */
export const SAMPLE_QUERIES: Record<string, Record<string, string>> = {
  "GET /api/admin/games/:id/qr": { store: "$STORE", format: "svg" },
};

/** A hash of every row of every table: equal digests mean nothing was written. */
export function databaseDigest(db: Db): string {
  const c = db.$client;
  const tables = c
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name")
    .pluck()
    .all() as string[];
  const hash = createHash("sha256");
  for (const t of tables) {
    const rows = (c.prepare(`select * from "${t}"`).raw().all() as unknown[][])
      .map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? String(v) : v)))
      .sort();
    hash.update(`${t}\n${rows.join("\n")}\n`);
  }
  return hash.digest("hex");
}
