/**
 * Bad-input fuzz over every route that takes a body, path params or a query (read from the route table
 * and its OpenAPI schemas, so a new route is fuzzed without anyone listing it). Each route is called by a
 * caller its declaration lets in, with malformed JSON, wrong types, huge and odd unicode strings,
 * `__proto__` keys and extreme numbers. The answer is never a 5xx; a 4xx carries a stable code and leaves
 * every table exactly as it was. Seeded per route and kept small (runs per route below), so it is
 * deterministic and quick.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import { bearer, newShopper, startHarness, type Harness } from "../test-support";
import { databaseDigest, routeTable, SAMPLE_BODIES, type RouteEntry } from "./route-table";

const RUNS = 30;
let h: Harness;
const tokens = {} as Record<"customer" | "staff" | "admin", string>;

beforeAll(async () => {
  h = await startHarness();
  tokens.admin = await h.adminToken();
  for (const [id, name] of [
    ["q1", "Quận 1"],
    ["q3", "Quận 3"],
  ])
    await h.app.inject({ method: "POST", url: "/api/admin/stores", headers: bearer(tokens.admin), payload: { id, name } });
  const staff = await h.login("staff");
  await h.app.inject({
    method: "PUT",
    url: `/api/admin/customers/${staff.customer.id}/role`,
    headers: bearer(tokens.admin),
    payload: { role: "staff", storeIds: ["q1"] },
  });
  tokens.staff = staff.token;
  tokens.customer = (await newShopper(h, "Khách fuzz")).token;
}, 60_000);
afterAll(async () => h.close());

// ---- what bad input looks like ----

const oddStrings = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u0000abc",
    "\ud800",
    "\udfff\ud800",
    "e\u0301\u0301\u0301",
    "\u202eevil",
    "𝕏😀👍🏽",
    "Nguyễn Thị Ánh",
    "../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "' or 1=1 --",
    "<script>",
    "__proto__",
    "constructor",
    "null",
    "NaN",
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const hugeStrings = fc.oneof(
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "a".repeat(n)),
  // Past the 1 MB body limit.
  fc.constant("x".repeat(1_100_000)),
  fc.integer({ min: 500, max: 20_000 }).map((n) => "😀".repeat(n)),
  fc.integer({ min: 500, max: 20_000 }).map((n) => "ệ".repeat(n)),
);
/** Written into the JSON text as is: some (1e999, -0) do not survive JSON.stringify. */
const extremeNumbers = fc.constantFrom(
  "1e999",
  "-1e999",
  "1e308",
  "-1e308",
  "5e-324",
  "-0",
  "9007199254740993",
  "-9007199254740993",
  "0.1",
  "1.5",
  "-1",
  "0",
  "2147483648",
  "1e21",
  "123456789012345678901234567890",
);
const wrongValues = fc.oneof(
  fc.constantFrom("null", "true", "false", "[]", "{}", '""', "[[[[[]]]]]", '{"a":{"b":{"c":{}}}}', "[null]"),
  extremeNumbers,
  oddStrings.map((s) => JSON.stringify(s)),
  hugeStrings.map((s) => JSON.stringify(s)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

/** URL escapes that decode to nothing valid: a lone surrogate's bytes, cut-off and non-hex escapes, NUL. */
const rawEscapes = fc.constantFrom("%ED%A0%80", "%E0%A4%A", "%", "%zz", "%00", "%C0%AF", "%FF%FE", "a%2Fb", "%2e%2e");
function encode(s: string) {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
}

const protoKeys = fc.constantFrom(
  '"__proto__":{"role":"admin","isAdmin":true}',
  '"constructor":{"prototype":{"role":"admin"}}',
  '"__proto__":null',
  '"__proto__":[1,2,3]',
);

const malformedJson = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    "[",
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    "nul",
    "tru",
    '"unterminated',
    '{"a":1}{',
    "\u0000",
    "\ufeff{}",
    "{}}",
    "[1,2",
    '{"a":"\\u00"}',
    '{"a":01}',
    "NaN",
    "Infinity",
  ),
  fc.string({ maxLength: 60 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.integer({ min: 2_000, max: 6_000 }).map((n) => "[".repeat(n) + "]".repeat(n - 1)),
);

// ---- a baseline body to break one field at a time ----

type Schema = Record<string, any>;
/** The plainest value a schema accepts (enough to reach the field being broken; validity is not the point). */
function plain(s: Schema | undefined, depth = 0): unknown {
  if (!s || depth > 4) return null;
  if (s.anyOf || s.oneOf) return plain((s.anyOf ?? s.oneOf).find((x: Schema) => x.type !== "null") ?? (s.anyOf ?? s.oneOf)[0], depth + 1);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          .filter(([k]) => (s.required ?? []).includes(k))
          .map(([k, v]) => [k, plain(v as Schema, depth + 1)]),
      );
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => plain(s.items, depth + 1));
    case "string":
      if (s.format === "date-time") return new Date(Date.UTC(2030, 0, 1)).toISOString();
      if (s.format === "email") return "a@b.vn";
      if (s.format === "uri") return "https://a.vn/x";
      return "x".repeat(Math.max(s.minLength ?? 1, 1));
    case "integer":
    case "number":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    default:
      return null;
  }
}

/** Top-level and one level of nested field paths of a body schema. */
function fieldPaths(s: Schema | undefined): string[][] {
  const props = s?.properties ?? {};
  return Object.entries(props).flatMap(([k, v]) => [[k], ...Object.keys((v as Schema).properties ?? {}).map((c) => [k, c])]);
}

const setRaw = (base: unknown, path: string[], raw: string): string => {
  const marker = `\u0001${Math.random()}\u0001`;
  const copy = structuredClone(base ?? {}) as Record<string, any>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] = typeof at[k] === "object" && at[k] !== null && !Array.isArray(at[k]) ? at[k] : {};
  at[path.at(-1)!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
};

type BadRequest = { what: string; url: string; payload?: string; query?: string };

function badRequests(r: RouteEntry): fc.Arbitrary<BadRequest> | null {
  const sample = SAMPLE_BODIES[`${r.method} ${r.url}`];
  const base = JSON.parse(JSON.stringify(sample ?? plain(r.body) ?? {}).replaceAll('"$STORE"', '"q1"'));
  const paths = fieldPaths(r.body);
  // Values already encoded for the URL (lone surrogates and bad escapes go as raw bytes).
  const url = (over: Record<string, string> = {}) => r.url.replace(/:(\w+)/g, (_, n: string) => over[n] ?? "zzzz");
  const kinds: fc.Arbitrary<BadRequest>[] = [];
  if (r.hasBody) {
    kinds.push(malformedJson.map((payload) => ({ what: "malformed JSON", url: url(), payload })));
    kinds.push(
      fc.oneof(wrongValues, fc.constantFrom("[]", "null", "1", '"body"', "true")).map((payload) => ({ what: "wrong body type", url: url(), payload })),
    );
    kinds.push(protoKeys.map((k) => ({ what: "__proto__ at top", url: url(), payload: `{${k},${JSON.stringify(base).slice(1)}`.replace(",}", "}") })));
    kinds.push(fc.tuple(oddStrings, wrongValues).map(([k, v]) => ({ what: "unknown key", url: url(), payload: setRaw(base, [k || "k"], v) })));
    if (paths.length) {
      const path = fc.constantFrom(...paths);
      kinds.push(fc.tuple(path, wrongValues).map(([p, v]) => ({ what: `wrong type at ${p.join(".")}`, url: url(), payload: setRaw(base, p, v) })));
      kinds.push(
        fc.tuple(path, hugeStrings).map(([p, v]) => ({ what: `huge string at ${p.join(".")}`, url: url(), payload: setRaw(base, p, JSON.stringify(v)) })),
      );
      kinds.push(
        fc.tuple(path, oddStrings).map(([p, v]) => ({ what: `odd string at ${p.join(".")}`, url: url(), payload: setRaw(base, p, JSON.stringify(v)) })),
      );
      kinds.push(fc.tuple(path, extremeNumbers).map(([p, v]) => ({ what: `extreme number at ${p.join(".")}`, url: url(), payload: setRaw(base, p, v) })));
      kinds.push(fc.tuple(path, protoKeys).map(([p, k]) => ({ what: `__proto__ inside ${p.join(".")}`, url: url(), payload: setRaw(base, p, `{${k}}`) })));
    }
  }
  const payload = r.hasBody ? JSON.stringify(base) : undefined;
  for (const p of r.params) {
    const value = fc.oneof(
      oddStrings.filter((s) => s !== "").map(encode),
      hugeStrings.map((s) => encode(s.slice(0, 3000))),
      rawEscapes,
    );
    kinds.push(value.map((v) => ({ what: `param ${p.name}`, url: url({ [p.name]: v }), payload })));
  }
  for (const q of r.query) {
    const value = fc.oneof(
      oddStrings.map(encode),
      extremeNumbers,
      hugeStrings.map((s) => encode(s.slice(0, 3000))),
      rawEscapes,
    );
    kinds.push(value.map((v) => ({ what: `query ${q.name}`, url: url(), payload, query: `${q.name}=${v}` })));
    kinds.push(fc.constant({ what: `query ${q.name} twice`, url: url(), payload, query: `${q.name}=1&${q.name}=2` }));
  }
  return kinds.length ? fc.oneof(...kinds) : null;
}

const tokenFor = (r: RouteEntry) =>
  r.access === "customer" ? tokens.customer : r.access === "staff" ? tokens.staff : r.access === "admin" ? tokens.admin : null;
const seedOf = (s: string) => createHash("sha256").update(s).digest().readInt32BE(0);
const CODES = new Set<string>(Object.values(ErrorCode));
/** What a 4xx or 5xx body may never show: internals. */
const LEAK = /SqliteError|sqlite|at \S+ \(|node_modules|\/src\/|TypeError|ReferenceError|Cannot read prop/i;

describe("bad input on every route", () => {
  it("finds the routes to fuzz in the route table", () => {
    const fuzzed = routeTable(h.app).filter((r) => badRequests(r) !== null);
    expect(fuzzed.length).toBeGreaterThan(40);
  });

  it("the sample bodies the fuzz breaks pass validation as they are", async () => {
    const routes = new Map(routeTable(h.app).map((r) => [`${r.method} ${r.url}`, r]));
    for (const [key, sample] of Object.entries(SAMPLE_BODIES)) {
      const r = routes.get(key);
      expect(r, `${key} is not a route`).toBeDefined();
      const token = tokenFor(r!);
      const res = await h.app.inject({
        method: r!.method as "POST",
        url: r!.url.replace(/:(\w+)/g, (_, n) => (n === "storeId" ? "q1" : "zzzz")),
        headers: token ? bearer(token) : {},
        payload: JSON.parse(JSON.stringify(sample).replaceAll('"$STORE"', '"q1"')),
      });
      expect.soft(res.json().code, `${key}: ${res.body.slice(0, 300)}`).not.toBe("VALIDATION_FAILED");
    }
  });

  it("never answers 5xx; a 4xx has a code, shows no internals and changes nothing", async () => {
    const failures: string[] = [];
    for (const r of routeTable(h.app)) {
      const arb = badRequests(r);
      if (!arb) continue;
      const token = tokenFor(r);
      await fc.assert(
        fc.asyncProperty(arb, async (bad) => {
          const before = databaseDigest(h.app.services.db);
          const res = await h.app.inject({
            method: r.method as "POST",
            url: bad.query ? `${bad.url}?${bad.query}` : bad.url,
            headers: { ...(token ? bearer(token) : {}), ...(bad.payload === undefined ? {} : { "content-type": "application/json" }) },
            ...(bad.payload === undefined ? {} : { payload: bad.payload }),
          });
          let body: any = null;
          try {
            body = res.json();
          } catch {}
          const where = `${r.method} ${r.url} (${bad.what}) → ${res.statusCode} ${body?.code ?? ""}`;
          if (res.statusCode >= 500) failures.push(`${where}: server error ${body?.message ?? ""}`.slice(0, 300));
          else if (res.statusCode >= 400) {
            if (typeof body?.code !== "string" || typeof body?.message !== "string") failures.push(`${where}: no code in ${res.body.slice(0, 120)}`);
            else if (!CODES.has(body.code)) failures.push(`${where}: ${body.code} is not one of the shared error codes`);
            else if (LEAK.test(body.message)) failures.push(`${where}: leaks "${body.message.slice(0, 120)}"`);
            else if (databaseDigest(h.app.services.db) !== before) failures.push(`${where}: refused but the database changed`);
          }
          // Prototypes stay clean whatever was sent.
          if (({} as Record<string, unknown>).role !== undefined || ({} as Record<string, unknown>).isAdmin !== undefined)
            failures.push(`${where}: polluted Object.prototype`);
        }),
        { seed: seedOf(`${r.method} ${r.url}`), numRuns: RUNS, endOnFailure: true },
      );
    }
    // Each failing case once (a route's runs often repeat one finding).
    expect([...new Set(failures.map((f) => f.replace(/\d{3,}/g, "N")))]).toEqual([]);
  }, 180_000);
});
