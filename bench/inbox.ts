/**
 * The OA inbox's benchmarks (`pnpm bench:inbox`), each beside a baseline in the same run. The real API runs in
 * its own process (inbox-server.ts), this process is the load generator.
 *
 * 1. ingest: follower messages (`user_send_text`, a different msg_id and text per request) signed exactly as
 *    Zalo and the emulator sign them (SHA-256 of app_id + raw body + timestamp + OA secret key), posted to
 *    `/webhooks/zalo` by autocannon: each is verified, stored once, captured into the person's conversation
 *    and decided by the auto-replies (answer queued in the outbox, or the conversation handed to a person).
 *    Baseline: the same signed requests carrying `add_user_to_tag`, an event the product verifies, stores once
 *    (its dedupe) and otherwise ignores. Rounds of baseline + ingest back to back; the median ratio is reported.
 *    Target: ≥ 1,000 events/s.
 * 2. list: the console's inbox list (`GET /api/staff/inbox`, as the owner) over BENCH_INBOX_CONVERSATIONS
 *    (100,000) conversations: first page, all statuses, unread, needs a person, search by message words, by
 *    name, by phone digits, and the second page; beside `GET /health` and the CRM's customer search.
 *    Target: p50 and max ≤ 200 ms.
 */
import autocannon from "autocannon";
import { fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { call } from "./shared";

const PARTS = new Set((process.env.BENCH_PARTS ?? "ingest,list").split(","));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FOLLOWERS = Number(process.env.BENCH_INBOX_FOLLOWERS ?? 5_000);
const CONVERSATIONS = Number(process.env.BENCH_INBOX_CONVERSATIONS ?? 100_000);
const REPS = Number(process.env.BENCH_INBOX_REPS ?? 20);
const INGEST_TARGET = 1_000;
const LIST_TARGET_MS = 200;
const here = (f: string) => new URL(f, import.meta.url).pathname;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

type Ready = {
  url: string;
  seedMs: number;
  seeded: Record<string, number>;
  tNow: number;
  zalo: { appId: string; oaId: string; secret: string };
  admin: { email: string; password: string };
};
type Child = { proc: ChildProcess; ready: Ready; ask: <T = any>(type: string) => Promise<T> };

function start(part: string): Promise<Child> {
  const proc = fork(here("inbox-server.ts"), [], {
    env: { ...process.env, BENCH_INBOX_PART: part, BENCH_INBOX_FOLLOWERS: String(FOLLOWERS), BENCH_INBOX_CONVERSATIONS: String(CONVERSATIONS) },
    // BENCH_INBOX_PROF=<dir>: a V8 CPU profile of the server process (seeding included), for bench/prof-summary.ts.
    execArgv: ["--import", "tsx", ...(process.env.BENCH_INBOX_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_INBOX_PROF}`] : [])],
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: any) => {
        if (m?.type !== type) return;
        proc.off("message", on);
        resolve(m as T);
      };
      proc.on("message", on);
      proc.send({ type });
    });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`inbox-server exited early (${code})`)));
    proc.once("message", (ready: Ready) => {
      proc.removeAllListeners("exit");
      resolve({ proc, ready, ask });
    });
  });
}

async function stop(c: Child) {
  const exited = new Promise((r) => c.proc.once("exit", r));
  c.proc.send({ type: "stop" });
  await exited;
}

// ---------------------------------------------------------------------------------------------------
// 1. ingest

const TEXTS = [
  "còn bao nhiêu điểm",
  "ĐIỂM của mình còn bao nhiêu vậy shop",
  "đơn hàng của mình tới đâu rồi",
  "quán mở cửa mấy giờ",
  "cho mình xin menu",
  "cho gặp nhân viên",
  "ly trà sữa hôm qua bị đổ, shop đổi giúp mình được không",
  "hôm nay có khuyến mãi gì không",
];

type IngestRun = {
  name: string;
  events: number;
  ok: number;
  non2xx: number;
  eps: number;
  p50: number;
  p99: number;
  genCpuPct: number;
  serverUs: number;
  loopUs: number;
};

async function ingest() {
  console.log(`\n[1] webhook ingest: ${FOLLOWERS} followers, ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds`);
  const srv = await start("ingest");
  const { url, zalo } = srv.ready;
  console.log(`  seeded ${JSON.stringify(srv.ready.seeded)} in ${(srv.ready.seedMs / 1000).toFixed(1)} s`);
  // Stamps an hour back, one ms apart: each event is its own (Zalo's dedupe key is event + stamp + user). A counter
  // per kind, so the text events go round the followers in order whatever runs between them (every follower writes).
  let kText = 0;
  let kTag = 0;
  const base = srv.ready.tNow - 3600_000;
  const sign = (body: string, timestamp: string) =>
    `mac=${createHash("sha256")
      .update(zalo.appId + body + timestamp + zalo.secret, "utf8")
      .digest("hex")}`;
  const textEvent = () => {
    const i = kText++;
    const user = i % FOLLOWERS;
    const timestamp = String(base + i);
    const body = JSON.stringify({
      app_id: zalo.appId,
      user_id_by_app: `7700${String(user).padStart(12, "0")}`,
      event_name: "user_send_text",
      sender: { id: `8800${String(user).padStart(12, "0")}` },
      recipient: { id: zalo.oaId },
      message: { msg_id: `bench-msg-${i}`, text: TEXTS[i % TEXTS.length] },
      timestamp,
    });
    return { body, mac: sign(body, timestamp) };
  };
  const tagEvent = () => {
    const i = kTag++;
    const user = i % FOLLOWERS;
    const timestamp = String(base + i);
    const body = JSON.stringify({
      app_id: zalo.appId,
      oa_id: zalo.oaId,
      user_id_by_app: `7700${String(user).padStart(12, "0")}`,
      event_name: "add_user_to_tag",
      tag: { user_ids: [`8800${String(user).padStart(12, "0")}`], name: TEXTS[i % TEXTS.length] },
      timestamp,
    });
    return { body, mac: sign(body, timestamp) };
  };

  let textOk = 0;
  let tagOk = 0;
  async function run(name: string, next: () => { body: string; mac: string }, seconds: number): Promise<IngestRun> {
    const cpu0 = await srv.ask<{ us: number; loopMs: number }>("cpu");
    const gen0 = process.cpuUsage();
    const t0 = performance.now();
    const statuses: Record<string, number> = {};
    const samples: string[] = [];
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 30,
      requests: [
        {
          method: "POST",
          path: "/webhooks/zalo",
          setupRequest: (req) => {
            const e = next();
            return { ...req, body: e.body, headers: { "content-type": "application/json", "x-zevent-signature": e.mac } };
          },
          onResponse: (status, body) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            if ((status < 200 || status >= 300) && samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
          },
        },
      ],
    });
    const wallUs = (performance.now() - t0) * 1000;
    const gen = process.cpuUsage(gen0);
    const cpu1 = await srv.ask<{ us: number; loopMs: number }>("cpu");
    const events = result.requests.total;
    const r: IngestRun = {
      name,
      events,
      ok: result["2xx"],
      non2xx: result.non2xx + result.errors + result.timeouts,
      eps: events / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      genCpuPct: ((gen.user + gen.system) / wallUs) * 100,
      serverUs: (cpu1.us - cpu0.us) / events,
      loopUs: ((cpu1.loopMs - cpu0.loopMs) * 1000) / events,
    };
    console.log(
      `  ${name.padEnd(18)} ${events} events in ${result.duration.toFixed(1)} s → ${r.eps.toFixed(0)} events/s, p50 ${r.p50} ms, p99 ${r.p99} ms, server ${r.serverUs.toFixed(0)} µs CPU/event (event loop ${r.loopUs.toFixed(0)} µs), load generator ${r.genCpuPct.toFixed(0)} % of a core, statuses ${JSON.stringify(statuses)}, load ${load()}`,
    );
    for (const s of samples) console.log(`    ! ${s}`);
    return r;
  }

  // Warm-up (unmeasured): every statement prepared, every follower's conversation opened (as after a day's traffic).
  tagOk += (await run("tag warm-up", tagEvent, 2)).ok;
  textOk += (await run("text warm-up", textEvent, Math.max(2, Math.ceil(FOLLOWERS / 1500)))).ok;
  const pairs: { base: IngestRun; text: IngestRun }[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const b = await run(`baseline #${r}`, tagEvent, SECONDS);
    const t = await run(`ingest #${r}`, textEvent, SECONDS);
    tagOk += b.ok;
    textOk += t.ok;
    pairs.push({ base: b, text: t });
  }
  const check = (await srv.ask<{ result: Record<string, number> }>("check")).result;
  await stop(srv);

  pairs.sort((a, b) => a.text.eps / a.base.eps - b.text.eps / b.base.eps);
  const mid = pairs[Math.floor(pairs.length / 2)]!;
  console.log(`\n  rounds: ingest at ${pairs.map((p) => `${((p.text.eps / p.base.eps) * 100).toFixed(0)} %`).join(", ")} of the baseline`);
  console.log("\n| run | events/s | p50 ms | p99 ms | non-2xx | vs baseline | server CPU µs/event | load generator CPU |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of [mid.base, mid.text])
    console.log(
      `| ${r.name} | ${r.eps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${((r.eps / mid.base.eps) * 100).toFixed(0)} % | ${r.serverUs.toFixed(0)} | ${r.genCpuPct.toFixed(0)} % |`,
    );
  const pass = mid.text.eps >= INGEST_TARGET && pairs.every((p) => p.text.non2xx === 0 && p.base.non2xx === 0);
  console.log(`\n  target: ingest ≥ ${INGEST_TARGET} events/s with no non-2xx → ${pass ? "PASS" : "MISS"} (${mid.text.eps.toFixed(0)} events/s, median round)`);

  // Each event answered 2xx left exactly its rows; a timed run that stops may leave a few in flight (sent, answered after).
  const slack = CONNECTIONS * (ROUNDS + 2);
  const within = (got: number, want: number) => got >= want && got <= want + slack;
  const checks: [string, boolean, string][] = [
    ["text events stored = 2xx", within(check.textEvents!, textOk), `${check.textEvents} vs ${textOk}`],
    ["tag events stored = 2xx", within(check.tagEvents!, tagOk), `${check.tagEvents} vs ${tagOk}`],
    ["inbound messages = text events", check.inboundMessages === check.textEvents, `${check.inboundMessages}`],
    ["unread Σ = inbound messages", check.unreadTotal === check.inboundMessages, `${check.unreadTotal}`],
    ["conversations = followers who wrote", check.conversations === Math.min(FOLLOWERS, check.textEvents!), `${check.conversations}`],
    ["auto-reply decisions = text events", check.autoReplyDecisions === check.textEvents, `${check.autoReplyDecisions}`],
    ["answers queued = decisions with an answer", check.answersQueued! > 0 && check.answersQueued! <= check.autoReplyDecisions!, `${check.answersQueued}`],
    ["no answer queued twice", check.duplicateAnswers === 0, `${check.duplicateAnswers}`],
    ["handed to a person (conversations)", check.needsPerson! > 0, `${check.needsPerson} (handoffs ${check.handoffs})`],
  ];
  for (const [name, ok, got] of checks) console.log(`  ${ok ? "OK  " : "FAIL"} ${name}: ${got}`);
  console.log(`  largest WAL seen: ${(check.walMaxBytes! / 1e6).toFixed(1)} MB`);
  return pass && checks.every((c) => c[1]);
}

// ---------------------------------------------------------------------------------------------------
// 2. list

async function list() {
  console.log(`\n[2] conversation list: ${CONVERSATIONS} conversations, ${REPS} sequential requests each after 3 warm-up rounds`);
  const srv = await start("list");
  const { url } = srv.ready;
  console.log(`  seeded ${JSON.stringify(srv.ready.seeded)} in ${(srv.ready.seedMs / 1000).toFixed(1)} s; load ${load()}`);
  const token = (await call<{ token: string }>(url, "POST", "/api/admin/login", null, srv.ready.admin)).token;
  const first = await call<{ conversations: unknown[]; next: { before: number; beforeId: string } | null }>(url, "GET", "/api/staff/inbox", token);
  const page2 = first.next ? `&before=${first.next.before}&beforeId=${first.next.beforeId}` : "";
  const cases: { name: string; path: string; baseline?: boolean }[] = [
    { name: "GET /health", path: "/health", baseline: true },
    { name: "customer search (CRM) “nguyen van”", path: "/api/admin/customers?q=nguyen%20van", baseline: true },
    { name: "first page (open)", path: "/api/staff/inbox" },
    { name: "first page, all statuses", path: "/api/staff/inbox?status=all" },
    { name: "second page (open)", path: `/api/staff/inbox?status=open${page2}` },
    { name: "unread", path: "/api/staff/inbox?unread=true" },
    { name: "needs a person", path: "/api/staff/inbox?needsPerson=true" },
    { name: "needs a person, all statuses", path: "/api/staff/inbox?status=all&needsPerson=true" },
    { name: "search message words “diem”", path: "/api/staff/inbox?status=all&q=diem" },
    { name: "search words “khuyến mãi” (unread)", path: `/api/staff/inbox?status=all&unread=true&q=${encodeURIComponent("khuyến mãi")}` },
    { name: "search name “nguyen van”", path: "/api/staff/inbox?status=all&q=nguyen%20van" },
    // The console's default view is the open ones: a status filter once walked every open conversation by its index.
    { name: "search name “nguyen van” (open)", path: "/api/staff/inbox?q=nguyen%20van" },
    { name: "search phone digits “0912”", path: "/api/staff/inbox?status=all&q=0912" },
    { name: "search, no match “zzqx”", path: "/api/staff/inbox?status=all&q=zzqx" },
  ];
  const once = async (path: string) => {
    const t = performance.now();
    const res = await fetch(`${url}${path}`, { headers: path === "/health" ? {} : { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${path} → ${res.status} ${body.slice(0, 300)}`);
    const ms = performance.now() - t;
    const n = path.startsWith("/api/staff/inbox") ? (JSON.parse(body) as { conversations: unknown[] }).conversations.length : null;
    return { ms, n };
  };
  for (let w = 0; w < 3; w++) for (const c of cases) await once(c.path);
  const rows: { name: string; baseline: boolean; p50: number; max: number; n: number | null }[] = [];
  for (const c of cases) {
    const ms: number[] = [];
    let n: number | null = null;
    for (let i = 0; i < REPS; i++) {
      const r = await once(c.path);
      ms.push(r.ms);
      n = r.n;
    }
    ms.sort((a, b) => a - b);
    rows.push({ name: c.name, baseline: !!c.baseline, p50: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)!, n });
  }
  await stop(srv);
  const health = rows[0]!.p50;
  console.log(`\n  load ${load()}\n\n| request | rows | p50 ms | max ms | p50 vs /health | |`);
  console.log("|---|---:|---:|---:|---:|---|");
  let pass = true;
  for (const r of rows) {
    const ok = r.p50 <= LIST_TARGET_MS && r.max <= LIST_TARGET_MS;
    if (!r.baseline) pass &&= ok;
    console.log(
      `| ${r.name} | ${r.n ?? ""} | ${r.p50.toFixed(1)} | ${r.max.toFixed(1)} | ${(r.p50 / health).toFixed(1)}× | ${r.baseline ? "baseline" : ok ? "PASS" : "MISS"} |`,
    );
  }
  console.log(`\n  target: every list request p50 and max ≤ ${LIST_TARGET_MS} ms → ${pass ? "PASS" : "MISS"}`);
  return pass;
}

async function main() {
  console.log(`bench:inbox — node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, load ${load()}`);
  let ok = true;
  if (PARTS.has("ingest")) ok = (await ingest()) && ok;
  if (PARTS.has("list")) ok = (await list()) && ok;
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
