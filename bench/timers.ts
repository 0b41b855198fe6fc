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
import { performance } from "node:perf_hooks";
import { call, fmt, forkChild, machineLoad, openLoopProbe, phases, sleep } from "./shared";

const N = Number(process.env.BENCH_TIMERS ?? 1_000_000);
const PROBE_MS = Number(process.env.BENCH_TIMERS_PROBE_MS ?? 5);
const BASELINE_S = Number(process.env.BENCH_TIMERS_BASELINE_SECONDS ?? 5);
const MAX_S = Number(process.env.BENCH_TIMERS_MAX_SECONDS ?? 600);
const TARGET_MS = 100;

console.log(`Node ${process.version}, ${new Date().toISOString()}, ${fmt(N)} due timers, probe every ${PROBE_MS} ms; ${machineLoad()}`);
const api = await forkChild("./timers-server.ts");
console.log(`seeded in ${(api.ready.seedMs / 1000).toFixed(1)} s (not measured)`);
const base = api.ready.url as string;
try {
  const token = (await call<{ token: string }>(base, "POST", "/api/admin/login", undefined, api.ready.admin)).token;
  await call(base, "GET", "/api/admin/stores", token);
  await api.ask("timers-start");
  await sleep(1500); // the worker's first (empty) claim and the expiring scan at start
  const p = openLoopProbe(base, PROBE_MS, [{ path: "/health" }, { path: "/api/admin/stores", token }]);
  const ph = phases(api, p, TARGET_MS);
  await ph.run("baseline (worker running, nothing due)", () => sleep(BASELINE_S * 1000).then(() => machineLoad()));
  await ph.run(`${fmt(N)} timers due`, async () => {
    await api.ask("due");
    const end = performance.now() + MAX_S * 1000;
    while (performance.now() < end) {
      await sleep(250);
      if (!(await api.ask("left")).any) break;
    }
    return machineLoad();
  });
  p.stop();
  await sleep(300);
  const { runs, outbox } = await api.ask("timers-stop");
  const fired = runs.filter((r: any) => r.state !== "waiting").reduce((a: number, r: any) => a + r.n, 0);
  const due = ph.list[1]!;
  due.note = `fired ${fmt(fired)} (${fmt(Math.round(fired / ((due.to - due.from) / 1000)))}/s), queued ${fmt(outbox)}; ${due.note}`;
  console.table(ph.table());
  console.log(`runs by state: ${runs.map((r: any) => `${r.state}${r.reason ? `/${r.reason}` : ""} ${r.n}`).join(", ")}; probe failures: ${p.failures()}`);
} finally {
  await api.stop();
}
