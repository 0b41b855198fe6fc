/**
 * For tests: the running app's routes with what each declares (access, scope) and what its OpenAPI
 * document says it takes (body, params, query), so the authorization matrix and the bad-input fuzz walk
 * every route without a list anyone must keep up to date. Also a digest of the whole database, to prove
 * that a refused request wrote nothing.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Db } from "../db/client";
import type { Access, Scope } from "./auth";

type JsonSchema = Record<string, any>;
export type RouteEntry = {
  method: string;
  url: string;
  access: Access;
  scope?: Scope;
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

/**
 * Bodies that pass validation, for routes whose verdict is only visible past it (a store or ownership check
 * inside the service). `"$STORE"` is replaced by the store under test.
 */
export const SAMPLE_BODIES: Record<string, unknown> = {
  "POST /api/staff/points/award": { memberCode: "ZZZZ2345", storeId: "$STORE", amountVnd: 100_000, receiptId: "R-sample" },
  "POST /api/staff/vouchers/inspect": { code: "ZZZZ2345", storeId: "$STORE" },
  "POST /api/staff/vouchers/redeem": { code: "ZZZZ2345", storeId: "$STORE" },
  "POST /api/staff/orders/:id/status": { status: "confirmed" },
  "PUT /api/staff/stores/:storeId/products/:id/availability": { available: true },
  "POST /api/me/orders/:id/cancel": { reason: "Tôi đổi ý" },
};

/** A hash of every row of every table: equal digests mean nothing was written. */
export function databaseDigest(db: Db): string {
  const c = db.$client;
  const tables = c.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name").pluck().all() as string[];
  const hash = createHash("sha256");
  for (const t of tables) {
    const rows = (c.prepare(`select * from "${t}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? String(v) : v))).sort();
    hash.update(`${t}\n${rows.join("\n")}\n`);
  }
  return hash.digest("hex");
}
