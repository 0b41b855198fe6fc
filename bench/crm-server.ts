/**
 * The real API for the CRM benchmark (bench/crm.ts), in its own process, on a file database seeded by
 * crm-seed.ts (BENCH_CRM_CUSTOMERS people, about BENCH_CRM_EVENTS timeline events over 60 days). With
 * BENCH_CRM_DB=path the file is kept and reused by the next run while the seed's parameters and the
 * migrations are the same (seeding ten million events takes minutes); by default it lives in a temp dir.
 * The server's clock starts at the end of the seeded history (`meta.end`) and runs from there, so "the last
 * 30 days" means the same people in every run. No Zalo calls are made (the emulator is not needed): the
 * Zalo URLs point at a closed port. On the parent's word it also times the same lookups as raw SQLite
 * statements on the server's own connection (the baseline) and reports its event loop's longest turn. The
 * dashboard's fill job is off (as in tests): the parent runs it (`fill`) and drops what it stored (`forget`).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, childrenOf, dayKey, type SegmentGroup } from "@mc/shared";
import { compileSegment, createSegmentRepo } from "@mc/server/modules/segments/repo";
import { sqliteStore } from "@mc/server/db/store";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { TEST_ENV } from "@mc/server/test-support";
import { cachedSeed, seedCrm, type SeedMeta } from "./crm-seed";
import { benchApiEnv } from "./shared";

const N = Number(process.env.BENCH_CRM_CUSTOMERS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_CRM_EVENTS ?? 10_000_000);
const keep = process.env.BENCH_CRM_DB;
const dir = keep ? null : mkdtempSync(join(tmpdir(), "mc-crm-"));
const dbPath = keep ?? join(dir!, "crm.db");
const DAY = 86_400_000;
const TZ = "Asia/Ho_Chi_Minh";

let meta: SeedMeta | null = cachedSeed(dbPath, N, EVENTS);
const seeded = meta === null;
if (!meta) {
  const say = (s: string) => process.send!({ type: "log", text: s });
  say(`seeding ${dbPath}: ${N.toLocaleString("en-US")} customers, ~${EVENTS.toLocaleString("en-US")} events`);
  meta = await seedCrm(dbPath, { customers: N, events: EVENTS, log: say });
}
const m = meta;

// The server's clock: the seeded history ends "now".
const startedAt = Date.now();
const now = () => m.end + (Date.now() - startedAt);
const config = loadConfig({ ...benchApiEnv("http://127.0.0.1:9", dbPath), DISPATCHER_ENABLED: "false" });
const app = await buildApp({ config, now, logger: false });
const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const sqlite = app.services.db.$client;

// The event loop's longest turn, in wall time and in this thread's own CPU time (see stall-server.ts).
const threadCpuMs = () => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
let lastWall = performance.now();
let lastCpu = threadCpuMs();
let loop = { wallMax: 0, cpuMax: 0 };
setInterval(() => {
  const wall = performance.now();
  const cpu = threadCpuMs();
  loop = { wallMax: Math.max(loop.wallMax, wall - lastWall), cpuMax: Math.max(loop.cpuMax, Math.min(cpu - lastCpu, wall - lastWall)) };
  lastWall = wall;
  lastCpu = cpu;
}, 1).unref();

// ---- what to ask: drawn from the database with a fixed seed, so every run asks the same ----

let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const maxRowid = sqlite.prepare("select max(rowid) from customers").pluck().get() as number;
const someone = sqlite.prepare("select id, name, phone, member_code as memberCode from customers where rowid = ?");
const people = (n: number, ok: (p: { name: string; phone: string | null }) => boolean) => {
  const out: { id: string; name: string; phone: string | null; memberCode: string }[] = [];
  for (let k = 0; out.length < n && k < n * 200; k++) {
    const p = someone.get(1 + Math.floor(rand() * maxRowid)) as (typeof out)[number] | undefined;
    if (p && ok(p)) out.push(p);
  }
  return out;
};
const noMarks = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/đ/g, "d");
function plan() {
  const named = people(10, (p) => p.name !== "Zalo follower" && p.name.split(" ").length >= 3);
  const phoned = people(5, (p) => p.phone !== null);
  const coded = people(5, () => true);
  const searches = [
    // A full name as the console would type it, marks and all.
    ...named.slice(0, 5).map((p) => ({ kind: "full name", q: p.name })),
    // The same kind of person typed fast: no marks, the last word cut short ("nguyen thi la").
    ...named.slice(5, 10).map((p) => {
      const w = noMarks(p.name).split(" ");
      return { kind: "no-marks prefix", q: [...w.slice(0, -1), w[w.length - 1]!.slice(0, 2)].join(" ") };
    }),
    ...phoned.map((p) => ({ kind: "phone last 4", q: p.phone!.slice(-4) })),
    ...coded.map((p) => ({ kind: "member code", q: `MC-${p.memberCode.slice(0, 4)}-${p.memberCode.slice(4)}` })),
  ];
  const storeId = m.storeIds[0]!;
  const segments = [
    {
      all: [
        { kind: "follower", follows: true },
        { kind: "lastVisit", max: 14 },
        { kind: "points", min: 100 },
      ],
    },
    { all: [{ kind: "tier", tiers: ["silver", "gold"] }, { kind: "orderCount", days: 30, min: 2 }, { kind: "hasPhone" }] },
    { all: [{ kind: "visitedStore", storeIds: [storeId], days: 30 }, { kind: "lastOrder", min: 14 }, { kind: "promotionsAllowed" }] },
    {
      all: [
        { kind: "spend", days: 60, min: 300000 },
        { kind: "birthdayMonth", thisMonth: true },
        { kind: "follower", follows: true },
      ],
    },
    { all: [{ kind: "playedGame", days: 30 }, { none: [{ kind: "unfollowed", days: 30 }] }, { kind: "tags", tags: ["vip", "van-phong"], match: "any" }] },
  ];
  const t = now();
  return {
    searches,
    profiles: m.heavy.slice(0, 20),
    segments,
    dashboard: { from: dayKey(t - 59 * DAY, TZ), to: dayKey(t, TZ) },
  };
}

// ---- the baseline: the same lookups as raw statements on this connection ----

function timed(f: () => unknown, n: number) {
  const ms: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b);
}
function baseline() {
  const p = plan();
  const out: Record<string, { p50: number; max: number; what: string }> = {};
  const put = (key: string, what: string, ms: number[]) => (out[key] = { p50: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]!, what });
  const has = (table: string) => sqlite.prepare("select 1 from sqlite_master where name = ?").get(table) !== undefined;
  const ids = p.profiles.map((x) => x.id);
  const codes = p.searches.filter((s) => s.kind === "member code").map((s) => s.q.replace(/[^0-9A-Z]/g, "").slice(2));
  let k = 0;
  const byCode = sqlite.prepare("select * from customers where member_code = ?");
  put(
    "pk",
    "one customer by member code (unique index)",
    timed(() => byCode.get(codes[k++ % codes.length]), 20),
  );
  const byId = sqlite.prepare("select * from customers where id = ?");
  put(
    "profile",
    "one customer by id (primary key)",
    timed(() => byId.get(ids[k++ % ids.length]), 20),
  );
  if (has("customers_fts")) {
    const words = p.searches
      .filter((s) => s.kind !== "phone last 4" && s.kind !== "member code")
      .map((s) =>
        noMarks(s.q)
          .split(/\s+/)
          .map((w) => `"${w}"*`)
          .join(" "),
      );
    const fts = sqlite.prepare(
      "select c.* from customers_fts f cross join customers c on c.rowid = f.rowid where customers_fts match ? order by f.rowid desc limit 25",
    );
    put(
      "fts",
      "an FTS match, its 25 newest customers",
      timed(() => fts.all(words[k++ % words.length]), 20),
    );
  }
  const ledger = sqlite.prepare("select * from points_ledger where customer_id = ? order by created_at desc limit 30");
  put(
    "ledger",
    "a heavy person's 30 newest ledger entries (index range)",
    timed(() => ledger.all(ids[k++ % ids.length]), 20),
  );
  const scan = sqlite.prepare("select count(*) from customers where follows_oa = 1 and points_balance >= 100");
  put(
    "scan",
    "a count over every customer (one full scan, two column tests)",
    timed(() => scan.get(), 5),
  );
  const t = now();
  const days = sqlite.prepare("select count(*), sum(delta) from points_ledger where created_at >= ? and created_at < ?");
  put(
    "range",
    "60 days of ledger entries summed (one index range, or a scan without one)",
    timed(() => days.get(t - 60 * DAY, t), 3),
  );
  return out;
}

/**
 * Why a segment count costs what it does (BENCH_CRM_EXPLAIN=1): each segment's whole condition and each of its
 * rules alone, counted over every customer in one statement (unsliced, on this connection), with SQLite's plan.
 * The rules in force are the defaults (the seed stores none).
 */
function explain() {
  const ctx = { now: now(), timeZone: TZ, policy: DEFAULT_WARMING_RULES, loyalty: DEFAULT_LOYALTY_RULES };
  const count = (rules: SegmentGroup) => {
    const w = compileSegment(rules, ctx);
    const sql = `select count(*) from customers c where ${w.where}`;
    const t = performance.now();
    const n = sqlite
      .prepare(sql)
      .pluck()
      .get(...w.params) as number;
    const ms = performance.now() - t;
    const plan = (sqlite.prepare(`explain query plan ${sql}`).all(...w.params) as { detail: string }[]).map((p) => p.detail);
    return { n, ms, plan };
  };
  return plan().segments.map((rules) => ({
    whole: count(rules as SegmentGroup),
    preview: previews.shift(),
    rules: childrenOf(rules as SegmentGroup).map((r) => ({ rule: r, ...count({ all: [r] } as SegmentGroup) })),
  }));
}

/** Each segment's count as the preview takes it (sliced, from a driver's candidates or a scan): how, and how long. */
let previews: { ms: number; count: number; driver: string; candidates: number | null }[] = [];
async function previewEach() {
  const ctx = { now: now(), timeZone: TZ, policy: DEFAULT_WARMING_RULES, loyalty: DEFAULT_LOYALTY_RULES };
  const repo = createSegmentRepo(sqliteStore(app.services.db));
  previews = [];
  for (const rules of plan().segments) {
    const t = performance.now();
    const r = await repo.countAndSample(compileSegment(rules as SegmentGroup, ctx), { sample: 20, earnedSince: ctx.now - 365 * DAY });
    previews.push({ ms: performance.now() - t, count: r.count, driver: r.via.driver, candidates: r.via.candidates });
  }
}

process.on("message", (msg: { type: string }) => {
  if (msg.type === "loop") {
    process.send!({ type: "loop", ...loop });
    loop = { wallMax: 0, cpuMax: 0 };
  } else if (msg.type === "plan") {
    process.send!({ type: "plan", ...plan() });
  } else if (msg.type === "baseline") {
    process.send!({ type: "baseline", results: baseline() });
  } else if (msg.type === "explain") {
    void previewEach().then(() => process.send!({ type: "explain", segments: explain() }));
  } else if (msg.type === "fill") {
    // The dashboard's background job, run to the end: every settled day counted and stored.
    const t = performance.now();
    void app.services.dashboard.fill().then((r) => process.send!({ type: "fill", ms: performance.now() - t, ...r }));
  } else if (msg.type === "forget") {
    app.services.dashboard.forgetStored();
    process.send!({ type: "forget" });
  } else if (msg.type === "stop") {
    void app.close().then(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.on("disconnect", () => process.exit(0));
process.send!({
  type: "ready",
  url,
  seeded,
  dbPath,
  meta: { ...m, heavy: m.heavy.slice(0, 20) },
  admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD },
});
