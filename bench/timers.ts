/**
 * API latency behind a million due timers (`pnpm bench:timers`): the real API in its own process
 * (timers-server.ts) with BENCH_TIMERS (1,000,000) waiting automation runs. A probe here sends, every
 * BENCH_TIMERS_PROBE_MS (5) ms, open loop (a probe due during a stall is sent anyway and waits it out),
 * alternately `GET /health` and an admin read (`GET /api/admin/stores`, a signed-in request that reads the
 * database); the timer worker runs throughout, in the API process, with its chunk size there. First nothing is
 * due (the baseline, BENCH_TIMERS_BASELINE_SECONDS = 5), then the server's clock moves a day and every timer is
 * due: the phase lasts until none is left (or BENCH_TIMERS_MAX_SECONDS, 600). Prints per phase the p99 and
 * longest probe latency beside the baseline's, the server's longest event-loop turn, and the timers fired
 * per second. Target: no probe waits more than 100 ms behind the timers.
 */
import { fork, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { call } from "./shared";

const N = Number(process.env.BENCH_TIMERS ?? 1_000_000);
const PROBE_MS = Number(process.env.BENCH_TIMERS_PROBE_MS ?? 5);
const BASELINE_S = Number(process.env.BENCH_TIMERS_BASELINE_SECONDS ?? 5);
const MAX_S = Number(process.env.BENCH_TIMERS_MAX_SECONDS ?? 600);
const TARGET_MS = 100;

function child(): Promise<{ proc: ChildProcess; ready: any; ask: (type: string) => Promise<any> }> {
  const proc = fork(new URL("./timers-server.ts", import.meta.url).pathname, [], { env: { ...process.env }, execArgv: ["--import", "tsx"] });
  const ask = (type: string) =>
    new Promise<any>((resolve) => {
      const on = (m: any) => {
        if (m?.type !== type) return;
        proc.off("message", on);
        resolve(m);
      };
      proc.on("message", on);
      proc.send({ type });
    });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`timers-server exited early (${code})`)));
    proc.once("message", (ready: any) => {
      proc.removeAllListeners("exit");
      resolve({ proc, ready, ask });
    });
  });
}

/** Open-loop probe over two requests, each timed from when it was due to its answer. */
function probe(base: string, token: string) {
  const done: { at: number; end: number; ms: number }[] = [];
  let failures = 0;
  let i = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    const admin = i++ % 2 === 1;
    fetch(`${base}${admin ? "/api/admin/stores" : "/health"}`, admin ? { headers: { authorization: `Bearer ${token}` } } : {})
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then(() => {
        const end = performance.now();
        done.push({ at, end, ms: end - at });
      })
      .catch(() => failures++);
  }, PROBE_MS);
  return {
    stop: () => clearInterval(timer),
    between(from: number, to: number) {
      const ms = done
        .filter((p) => p.at <= to && p.end >= from)
        .map((p) => p.ms)
        .sort((a, b) => a - b);
      const pct = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
      return { n: ms.length, p50: pct(0.5), p99: pct(0.99), max: ms[ms.length - 1] ?? NaN };
    },
    failures: () => failures,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f1 = (x: number) => x.toFixed(1);

console.log(`Node ${process.version}, ${new Date().toISOString()}, ${N.toLocaleString("en-US")} due timers, probe every ${PROBE_MS} ms`);
const api = await child();
console.log(`seeded in ${(api.ready.seedMs / 1000).toFixed(1)} s (not measured)`);
const base = api.ready.url as string;
try {
  const token = (await call<{ token: string }>(base, "POST", "/api/admin/login", undefined, api.ready.admin)).token;
  await call(base, "GET", "/api/admin/stores", token);
  await api.ask("timers-start");
  await sleep(1500); // the worker's first (empty) claim and the expiring scan at start
  const p = probe(base, token);
  const phases: { phase: string; from: number; to: number; loop: { wallMax: number; cpuMax: number } }[] = [];
  const phase = async (name: string, fn: () => Promise<void>) => {
    await api.ask("loop");
    const from = performance.now();
    await fn();
    const to = performance.now();
    phases.push({ phase: name, from, to, loop: await api.ask("loop") });
  };
  await phase("baseline (worker running, nothing due)", async () => void (await sleep(BASELINE_S * 1000)));
  await phase(`${N.toLocaleString("en-US")} timers due`, async () => {
    await api.ask("due");
    const end = performance.now() + MAX_S * 1000;
    while (performance.now() < end) {
      await sleep(250);
      if (!(await api.ask("left")).any) break;
    }
  });
  p.stop();
  await sleep(300);
  const { runs, outbox } = await api.ask("timers-stop");
  const fired = runs.filter((r: any) => r.state !== "waiting").reduce((a: number, r: any) => a + r.n, 0);
  const baseline = p.between(phases[0]!.from, phases[0]!.to);
  console.table(
    phases.map((ph, i) => {
      const s = p.between(ph.from, ph.to);
      const seconds = (ph.to - ph.from) / 1000;
      return {
        phase: ph.phase,
        seconds: seconds.toFixed(1),
        probes: s.n,
        "p99 ms": f1(s.p99),
        "max ms": f1(s.max),
        "baseline p99 ms": f1(baseline.p99),
        "baseline max ms": f1(baseline.max),
        "server turn max ms": f1(ph.loop.wallMax),
        "of it main-thread CPU ms": f1(ph.loop.cpuMax),
        verdict: i === 0 ? "" : s.max <= TARGET_MS ? `PASS (≤ ${TARGET_MS} ms)` : `MISS (> ${TARGET_MS} ms)`,
        note:
          i === 0
            ? ""
            : `fired ${fired.toLocaleString("en-US")} (${Math.round(fired / seconds).toLocaleString("en-US")}/s), queued ${outbox.toLocaleString("en-US")}`,
      };
    }),
  );
  console.log(`runs by state: ${runs.map((r: any) => `${r.state}${r.reason ? `/${r.reason}` : ""} ${r.n}`).join(", ")}; probe failures: ${p.failures()}`);
} finally {
  await new Promise((r) => (api.proc.once("exit", r), api.proc.send({ type: "stop" })));
}
