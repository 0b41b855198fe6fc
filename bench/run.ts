/**
 * Loyalty/voucher API benchmark: `pnpm bench` from the repo root. See bench/README.md.
 *
 * Servers run in child processes (bench/server-process.ts); autocannon runs here, so load generator
 * and server each get their own event loop (and, on 2 cores, roughly a core each).
 */
import autocannon, { type Result } from "autocannon";
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import os from "node:os";
import { call } from "./shared";

const envNum = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SECONDS = envNum("BENCH_SECONDS", 10);
const CONNECTIONS = Math.floor(envNum("BENCH_CONNECTIONS", 100));
const WARMUP_SECONDS = envNum("BENCH_WARMUP_SECONDS", 2);
const SHOPPERS = Math.floor(envNum("BENCH_SHOPPERS", 200));
/** hello-world + earn pairs, run back to back; the pair with the median ratio is reported. */
const ROUNDS = Math.floor(envNum("BENCH_ROUNDS", 3));
/** BENCH_CPU_PROF=1 writes a V8 CPU profile of the API server for each measured API run to bench/profiles/. */
const CPU_PROF = !!process.env.BENCH_CPU_PROF && process.env.BENCH_CPU_PROF !== "0";
/** Which API scenarios to run (hello-world always runs): "earn,redeem" by default; "earn" alone for a focused profile; "floor" adds GET /health. */
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? "earn,redeem").split(",").map((s) => s.trim()));
const TARGET = { ratio: 0.35, p99Ms: 15 };
const PER_CUSTOMER_LIMIT = 100; // the CampaignInput maximum
const HERE = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// child servers

type Child = { proc: ChildProcess; ready: Record<string, any>; request<T>(msg: object): Promise<T>; stop(): Promise<void> };

function startServer(mode: "hello" | "app", extraExecArgv: string[] = []): Promise<Child> {
  const proc = fork(join(HERE, "server-process.ts"), [mode], {
    execArgv: [...process.execArgv, ...extraExecArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${mode} server exited early (${code})`)));
    proc.once("message", (ready: any) => {
      if (ready?.type !== "ready") return reject(new Error(`unexpected message ${JSON.stringify(ready)}`));
      proc.removeAllListeners("exit");
      resolve({
        proc,
        ready,
        request: <T>(msg: { type: string }) =>
          new Promise<T>((res) => {
            const on = (m: any) => {
              if (m?.type !== msg.type) return;
              proc.off("message", on);
              res(m as T);
            };
            proc.on("message", on);
            proc.send(msg);
          }),
        stop: () =>
          new Promise<void>((res) => {
            proc.once("exit", () => res());
            proc.send({ type: "stop" });
          }),
      });
    });
  });
}

async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// load runs

type Run = {
  name: string;
  result: Result;
  rps: number;
  ok: number;
  non2xx: number;
  statuses: Record<string, number>;
  samples: { status: number; body: string; request?: string }[];
  /** Server CPU (all threads, user + kernel) per request: unlike req/s, it does not depend on how busy the load generator is. */
  cpuUsPerReq?: number;
  /** Main-thread (event loop) busy time per request: what caps req/s when the server is the bottleneck. */
  loopUsPerReq?: number;
};

/** One autocannon run. `next(i)` builds the i-th request body (each call gets a fresh i). */
async function load(
  name: string,
  o: {
    url: string;
    method?: string;
    path: string;
    token?: string;
    next?: (i: number) => string;
    onOk?: (body: string) => void;
    seconds?: number;
    amount?: number;
    connections?: number;
    server?: Child;
  },
): Promise<Run> {
  type Cpu = { us: number; sys: number; loopMs: number; stallMs: { p99: number; max: number } };
  const cpuNow = async (): Promise<Cpu> =>
    o.server ? await o.server.request<Cpu>({ type: "cpu" }) : { us: 0, sys: 0, loopMs: 0, stallMs: { p99: 0, max: 0 } };
  const profile = o.server && CPU_PROF && o.server.ready.dbPath ? join(HERE, "profiles", `${name.replace(/\W+/g, "-")}-${Date.now()}.cpuprofile`) : undefined;
  if (profile) await o.server!.request({ type: "prof-start" });
  const cpu0 = await cpuNow();
  const statuses: Record<string, number> = {};
  const samples: Run["samples"] = [];
  let i = 0;
  const connections = Math.min(o.connections ?? CONNECTIONS, o.amount ?? Infinity);
  const result = await autocannon({
    url: o.url,
    connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? SECONDS }),
    timeout: 30,
    requests: [
      {
        method: o.method ?? "GET",
        path: o.path,
        headers: { ...(o.next ? { "content-type": "application/json" } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
        ...(o.next
          ? {
              setupRequest: (req, ctx) => {
                // The context is per connection and the response is recorded before the next request
                // is built, so onResponse sees the body of the request it answers.
                ctx.body = o.next!(i++);
                return { ...req, body: ctx.body as string };
              },
            }
          : {}),
        onResponse: (status, body, ctx) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) o.onOk?.(body);
          else if (samples.length < 3) samples.push({ status, body: body.slice(0, 500), request: ctx.body as string | undefined });
        },
      },
    ],
  });
  const total = result.requests.total;
  const cpu1 = await cpuNow();
  const cpuUsPerReq = o.server ? (cpu1.us - cpu0.us) / total : undefined;
  const loopUsPerReq = o.server ? ((cpu1.loopMs - cpu0.loopMs) * 1000) / total : undefined;
  const sysUsPerReq = o.server ? (cpu1.sys - cpu0.sys) / total : undefined;
  if (profile) await o.server!.request({ type: "prof-stop", file: profile });
  const run: Run = {
    name,
    result,
    rps: total / result.duration,
    ok: result["2xx"],
    non2xx: result.non2xx + result.errors + result.timeouts,
    statuses,
    samples,
    cpuUsPerReq,
    loopUsPerReq,
  };
  const extra = result.errors || result.timeouts ? ` errors=${result.errors} timeouts=${result.timeouts}` : "";
  console.log(
    `  ${name.padEnd(16)} ${total} req in ${result.duration.toFixed(1)} s → ${run.rps.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms${cpuUsPerReq === undefined ? "" : `, server ${cpuUsPerReq.toFixed(0)} µs CPU/req (kernel ${sysUsPerReq!.toFixed(0)}), event loop busy ${loopUsPerReq!.toFixed(0)} µs/req, loop delay p99 ${cpu1.stallMs.p99.toFixed(1)} ms / max ${cpu1.stallMs.max.toFixed(1)} ms`}, statuses ${JSON.stringify(statuses)}${extra}`,
  );
  for (const s of samples) {
    console.log(`    ! sample ${s.status}: ${s.body}${s.request ? `\n      request body: ${s.request}` : ""}`);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  console.log(
    `bench: ${SECONDS}s runs, ${CONNECTIONS} connections, ${WARMUP_SECONDS}s warm-up, ${SHOPPERS} shoppers; node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}`,
  );
  const runs: Run[] = [];

  // 1. hello-world baseline ---------------------------------------------------------------------
  console.log("\n[1] Fastify hello-world");
  const hello = await startServer("hello");
  await load("hello warm-up", { url: hello.ready.url, path: "/hello", seconds: WARMUP_SECONDS });
  // With earn, hello-world is measured again right before each earn round (below): a shared VM's speed
  // drifts by tens of percent from minute to minute, so a ratio is only fair between neighbouring runs.
  let helloRun = SCENARIOS.has("earn") ? undefined : await load("hello-world", { url: hello.ready.url, path: "/hello", server: hello });

  // 2. the real server --------------------------------------------------------------------------
  console.log("\n[2] API server (file SQLite, WAL) + Zalo emulator");
  let profDir: string | undefined;
  if (CPU_PROF) {
    profDir = join(HERE, "profiles");
    mkdirSync(profDir, { recursive: true });
  }
  const srv = await startServer("app");
  const { url: api, emuUrl: emu, dbPath } = srv.ready;
  console.log(`  api ${api}, emulator ${emu}, db ${dbPath}`);

  // seed through the real HTTP stack
  const t0 = Date.now();
  const admin = (await call<{ token: string }>(api, "POST", "/api/admin/login", null, srv.ready.admin)).token;
  const store = await call<{ id: string }>(api, "POST", "/api/admin/stores", admin, { id: "bench-store", name: "Bench Store", address: "1 Bench St" });
  const staffZalo = await call<{ accessToken: string }>(emu, "POST", "/_emu/personas/staff/login");
  const staff = await call<{ token: string; customer: { id: string } }>(api, "POST", "/api/auth/zalo", null, { accessToken: staffZalo.accessToken });
  await call(api, "PUT", `/api/admin/customers/${staff.customer.id}/role`, admin, { role: "staff", storeIds: [store.id] });
  const shoppers = await pool(
    Array.from({ length: SHOPPERS }, (_, i) => i),
    16,
    async (i) => {
      const u = await call<{ appUserId: string }>(emu, "POST", "/_emu/users", null, { name: `Bench Shopper ${i}` });
      const z = await call<{ accessToken: string }>(emu, "POST", `/_emu/users/${u.appUserId}/token`, null, {});
      const login = await call<{ token: string; customer: { id: string } }>(api, "POST", "/api/auth/zalo", null, { accessToken: z.accessToken });
      const me = await call<{ loyalty: { memberCode: string } }>(api, "GET", "/api/me", login.token);
      return { id: login.customer.id, token: login.token, memberCode: me.loyalty.memberCode };
    },
  );
  console.log(`  seeded admin, store ${store.id}, staff ${staff.customer.id}, ${shoppers.length} shoppers in ${Date.now() - t0} ms`);

  // floor (diagnostic, opt-in): a public route through the app's whole hook chain (CORS, rate limit,
  // access check, zod serializer), i.e. what any API request costs before its own work.
  if (SCENARIOS.has("floor")) {
    await load("floor warm-up", { url: api, path: "/health", seconds: WARMUP_SECONDS });
    runs.push(await load("floor /health", { url: api, path: "/health", server: srv }));
  }

  // earn: every request a new receipt, spread over the shoppers
  let earnWarm: Run | undefined;
  let earnRun: Run | undefined;
  let earnRounds: Run[] = [];
  if (SCENARIOS.has("earn")) {
    let receipt = 0;
    const earnBody = () => {
      const n = receipt++;
      return JSON.stringify({
        memberCode: shoppers[n % shoppers.length]!.memberCode,
        storeId: store.id,
        amountVnd: 50_000 + (n % 20) * 10_000,
        receiptId: `bench-${n}`,
      });
    };
    const earnOpts = { url: api, method: "POST", path: "/api/staff/points/award", token: staff.token, next: earnBody };
    earnWarm = await load("earn warm-up", { ...earnOpts, seconds: WARMUP_SECONDS });
    const rounds: { hello: Run; earn: Run }[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const h = await load(ROUNDS > 1 ? `hello-world #${r}` : "hello-world", { url: hello.ready.url, path: "/hello", server: hello });
      const e = await load(ROUNDS > 1 ? `earn #${r}` : "earn", { ...earnOpts, server: srv });
      rounds.push({ hello: h, earn: e });
    }
    earnRounds = rounds.map((r) => r.earn);
    // The round with the median ratio stands for the run; every round is printed.
    const median = [...rounds].sort((a, b) => a.earn.rps / a.hello.rps - b.earn.rps / b.hello.rps)[Math.floor((rounds.length - 1) / 2)]!;
    helloRun = median.hello;
    earnRun = median.earn;
    if (ROUNDS > 1)
      for (const r of rounds)
        console.log(
          `  round ${r.earn.name.slice(6)}: earn ${((r.earn.rps / r.hello.rps) * 100).toFixed(1)}% of hello-world, p99 ${r.earn.result.latency.p99} ms`,
        );
    runs.push(helloRun, earnRun);
  }

  // redeem: pre-issue enough vouchers for a run about as long as the earn run, each redeemed once
  let redeem: { warm: Run; run: Run; issued: number; claimStatuses: Record<string, number>; claimsSent: number } | undefined;
  if (SCENARIOS.has("redeem")) {
    const redeemWarmupN = CONNECTIONS * 5;
    const spare = CONNECTIONS * 2; // autocannon may build a request per connection that it never sends
    const want = Math.ceil((earnRun?.rps ?? 1000) * SECONDS * 1.2) + redeemWarmupN + spare;
    const perCampaign = shoppers.length * PER_CUSTOMER_LIMIT;
    const campaigns: string[] = [];
    for (let c = 0; c < Math.ceil(want / perCampaign); c++) {
      const camp = await call<{ id: string }>(api, "POST", "/api/admin/voucher-campaigns", admin, {
        name: `Bench offer ${c + 1}`,
        kind: "amount_off",
        value: 20_000,
        stock: null,
        perCustomerLimit: PER_CUSTOMER_LIMIT,
        validDaysAfterClaim: 30,
      });
      campaigns.push(camp.id);
    }
    const codes: string[] = [];
    console.log(`  pre-issuing ${want} vouchers over ${campaigns.length} campaign(s) (claims, ${CONNECTIONS} connections)`);
    // Claim i goes to shopper i % n in campaign ⌊i / (n × limit)⌋, so nobody passes the per-customer limit.
    // Each claim runs under its shopper's token, so each request also sets its own authorization header.
    let claimN = 0;
    const claimStatuses: Record<string, number> = {};
    const claimSamples: string[] = [];
    const claimRes = await autocannon({
      url: api,
      connections: Math.min(CONNECTIONS, want),
      amount: want,
      timeout: 30,
      requests: [
        {
          method: "POST",
          setupRequest: (req, context: { memberCode?: string }) => {
            const n = claimN++;
            const s = shoppers[n % shoppers.length]!;
            context.memberCode = s.memberCode; // one request at a time per connection: its response is this one's
            const camp = campaigns[Math.min(campaigns.length - 1, Math.floor(n / perCampaign))]!;
            return {
              ...req,
              path: `/api/vouchers/campaigns/${camp}/claim`,
              headers: { "content-type": "application/json", authorization: `Bearer ${s.token}` },
              body: "{}",
            };
          },
          onResponse: (status, body, context: { memberCode?: string }) => {
            claimStatuses[status] = (claimStatuses[status] ?? 0) + 1;
            if (status === 200)
              codes.push(JSON.stringify({ memberCode: context.memberCode, voucherId: (JSON.parse(body) as { voucher: { id: string } }).voucher.id }));
            else if (claimSamples.length < 3) claimSamples.push(`${status}: ${body.slice(0, 300)}`);
          },
        },
      ],
    });
    console.log(
      `  claims: ${claimRes.requests.total} in ${claimRes.duration.toFixed(1)} s (${(claimRes.requests.total / claimRes.duration).toFixed(0)} req/s, p50 ${claimRes.latency.p50} ms, p99 ${claimRes.latency.p99} ms), statuses ${JSON.stringify(claimStatuses)} → ${codes.length} codes`,
    );
    for (const s of claimSamples) console.log(`    ! claim sample ${s}`);

    let redeemed = 0;
    const redeemBody = () => {
      const n = redeemed++;
      // Past the pool (only if autocannon over-builds): reuse a voucher, which shows up as a non-2xx.
      // By member card + voucher id: a typed counter code lives only a minute, longer than a run may take.
      return JSON.stringify({ ...JSON.parse(codes[n] ?? codes[0]!), storeId: store.id });
    };
    const redeemOpts = { url: api, method: "POST", path: "/api/staff/vouchers/redeem", token: staff.token, next: redeemBody };
    const warm = await load("redeem warm-up", { ...redeemOpts, amount: Math.min(redeemWarmupN, Math.max(1, codes.length - spare)) });
    const run = await load("redeem", { ...redeemOpts, amount: Math.max(CONNECTIONS, codes.length - redeemed - spare), server: srv });
    runs.push(run);
    redeem = { warm, run, issued: codes.length, claimStatuses, claimsSent: claimRes.requests.total };
  }

  // 3. consistency ------------------------------------------------------------------------------
  const { result: db, error } = await srv.request<{ result: Record<string, any>; error?: string }>({ type: "check" });
  await srv.stop();
  if (error) throw new Error(`consistency check failed to run: ${error}`);

  // 4. report -----------------------------------------------------------------------------------
  await hello.stop();
  if (!helloRun) throw new Error("no hello-world run");
  if (!SCENARIOS.has("earn")) runs.unshift(helloRun);
  const base = helloRun.rps;
  const rows = runs.map((r) => [
    r.name,
    r.rps.toFixed(0),
    String(r.result.latency.p50),
    String(r.result.latency.p99),
    String(r.non2xx),
    `${((r.rps / base) * 100).toFixed(1)}%`,
    r.cpuUsPerReq === undefined ? "" : r.cpuUsPerReq.toFixed(0),
    r.loopUsPerReq === undefined ? "" : r.loopUsPerReq.toFixed(0),
  ]);
  const head = ["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "vs hello", "CPU µs/req", "loop µs/req"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => "| " + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(" | ") + " |";
  const redeemNote = redeem ? `; redeem runs until its pre-issued pool is used: ${redeem.run.result.requests.total} requests` : "";
  console.log(`\nResults — ${CONNECTIONS} connections, ${SECONDS} s runs after ${WARMUP_SECONDS} s warm-up${redeemNote}`);
  console.log(line(head));
  console.log("|" + widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));

  if (earnRun) {
    const ratio = earnRun.rps / base;
    const pass = ratio >= TARGET.ratio && earnRun.result.latency.p99 <= TARGET.p99Ms && earnRun.non2xx === 0;
    console.log(
      `\nTarget: earn at ≥ 35% of hello-world throughput with p99 ≤ 15 ms at 100 connections → ${pass ? "PASS" : "MISS"} ` +
        `(earn ${(ratio * 100).toFixed(1)}% of hello-world, p99 ${earnRun.result.latency.p99} ms, non-2xx ${earnRun.non2xx}${CONNECTIONS !== 100 ? `; NOTE: this run used ${CONNECTIONS} connections` : ""})`,
    );
  }

  const checks: [string, boolean, string][] = [
    ["database is in WAL mode", db.journalMode === "wal", `journal_mode=${db.journalMode}; largest WAL seen ${(db.walMaxBytes / 1048576).toFixed(1)} MB`],
    [
      "Σ ledger deltas = points_balance for every customer",
      db.balanceMismatches === 0 && db.balanceTotal === db.ledgerTotal,
      `${db.balanceMismatches} of ${db.customers} customers differ; Σ balances ${db.balanceTotal}, Σ deltas ${db.ledgerTotal}`,
    ],
  ];
  if (earnRun && earnWarm) {
    const ok = earnWarm.ok + earnRounds.reduce((n, r) => n + r.ok, 0);
    const sent = earnWarm.result.requests.sent + earnRounds.reduce((n, r) => n + r.result.requests.sent, 0);
    // A timed run stops with up to one request per connection in flight: the server still completes
    // those, so the ledger holds between the 2xx autocannon counted and the requests it sent.
    checks.push([
      "earn ledger entries = successful awards (+ those in flight at stop)",
      db.earnEntries >= ok && db.earnEntries <= sent && db.earnAudits === db.earnEntries,
      `${db.earnEntries} entries, ${db.earnAudits} audit rows; ${ok} 2xx counted (warm-up ${earnWarm.ok} + runs ${earnRounds.map((r) => r.ok).join(" + ")}), ${sent} sent`,
    ]);
  }
  if (redeem) {
    const ok = redeem.warm.ok + redeem.run.ok;
    checks.push([
      "redeemed vouchers = successful redemptions",
      db.vouchersRedeemed === ok && db.redeemAudits === ok && db.vouchersIssued === redeem.issued,
      `${db.vouchersRedeemed} redeemed of ${db.vouchersIssued} issued, ${db.redeemAudits} audit rows; ${ok} 2xx (warm-up ${redeem.warm.ok} + run ${redeem.run.ok})`,
    ]);
  }
  const all = [...new Set([...runs, ...earnRounds]), earnWarm, redeem?.warm].filter((r): r is Run => !!r);
  const claimsClean = !redeem || redeem.issued === redeem.claimsSent;
  checks.push([
    "no non-2xx anywhere (warm-ups and voucher claims included)",
    all.every((r) => r.non2xx === 0) && claimsClean,
    all.map((r) => `${r.name} ${r.non2xx}`).join(", ") + (redeem ? `, claims ${JSON.stringify(redeem.claimStatuses)}` : ""),
  ]);
  console.log("\nConsistency");
  for (const [what, ok, detail] of checks) console.log(`  ${ok ? "OK  " : "FAIL"} ${what} (${detail})`);
  if (profDir)
    console.log(`\nCPU profiles of the API server's measured runs in ${profDir}/ (summarise: pnpm exec tsx bench/prof-summary.ts <file>.cpuprofile)`);

  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
