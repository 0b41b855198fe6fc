/**
 * API stalls behind a big broadcast (`pnpm bench:stall`): the real API in its own process (stall-server.ts)
 * with BENCH_STALL_CUSTOMERS (1,000,000) followers, the Zalo emulator in a third. A probe here sends
 * `GET /health` every BENCH_STALL_PROBE_MS (5) ms, open loop (a probe due during a stall is sent anyway
 * and waits it out), first alone (the baseline), then while a broadcast to everyone is previewed, started
 * (its outbox rows planned) and dispatched for BENCH_STALL_DISPATCH_SECONDS (15); the dispatcher runs in the
 * API process throughout (idle until the broadcast runs), as with DISPATCHER_ENABLED, at
 * BENCH_STALL_DISPATCH_RATE sends per second per channel (60: the product's default, about Zalo's limit of
 * 4,000 requests a minute per app; at full speed an in-process dispatcher keeps the one core busy with
 * thousands of small callbacks a second: that is what the standalone dispatcher process is for), then
 * cancelled (its unsent rows marked). Prints, per phase, the
 * longest and p99 probe latency beside the baseline p99, and the planning time. Target: no probe waits
 * more than 50 ms behind the broadcast; the plan (preview + start) stays within 5 s. The server also reports
 * its longest event-loop turn per phase, in wall time and in the main thread's own CPU time: on a shared,
 * busy machine the probe's figures include the moments the OS ran other work, the CPU figure does not.
 */
import { call, fmt, forkChild, machineLoad, openLoopProbe, phases, sleep } from "./shared";

const N = Number(process.env.BENCH_STALL_CUSTOMERS ?? 1_000_000);
const PROBE_MS = Number(process.env.BENCH_STALL_PROBE_MS ?? 5);
const BASELINE_S = Number(process.env.BENCH_STALL_BASELINE_SECONDS ?? 5);
const DISPATCH_S = Number(process.env.BENCH_STALL_DISPATCH_SECONDS ?? 15);
const DISPATCH_RATE = process.env.BENCH_STALL_DISPATCH_RATE ?? "60";
const TARGET_MS = 50;

console.log(`Node ${process.version}, ${new Date().toISOString()}, ${fmt(N)} followers, probe every ${PROBE_MS} ms; ${machineLoad()}`);
const emu = await forkChild("./emulator-process.ts", { BENCH_USERS: String(N) });
const api = await forkChild(
  "./stall-server.ts",
  { BENCH_STALL_CUSTOMERS: String(N), BENCH_EMU_URL: emu.ready.url, BENCH_STALL_DISPATCH_RATE: DISPATCH_RATE },
  process.env.BENCH_STALL_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_STALL_PROF}`] : [],
);
console.log(`seeded in ${(api.ready.seedMs / 1000).toFixed(1)} s (not measured)`);
const base = api.ready.url as string;
try {
  const token = (await call<{ token: string }>(base, "POST", "/api/admin/login", undefined, api.ready.admin)).token;
  const b = await call(base, "POST", "/api/admin/broadcasts", token, {
    name: "Bench",
    category: "care",
    content: { text: "Cảm ơn bạn!" },
    audience: { followersOnly: true },
  });
  await call(base, "GET", "/health");

  // The dispatcher runs throughout, as in production (DISPATCHER_ENABLED): idle until the broadcast runs.
  await api.ask("dispatch-start");
  const p = openLoopProbe(base, PROBE_MS, [{ path: "/health" }]);
  const ph = phases(api, p, TARGET_MS);
  const phase = async (name: string, fn: () => Promise<string>) => (await ph.run(name, fn), await sleep(500));
  await phase("baseline (nothing else)", async () => (await sleep(BASELINE_S * 1000), ""));
  await phase("preview", async () => {
    const r = await call(base, "GET", `/api/admin/broadcasts/${b.id}/preview`, token);
    return `audience ${r.audience}, send ${r.send}`;
  });
  await phase("start (plan the outbox rows)", async () => {
    const r = await call(base, "POST", `/api/admin/broadcasts/${b.id}/start`, token);
    return `${r.state}, recipients ${r.recipients}`;
  });
  await phase("broadcast view (console poll)", async () => {
    const r = await call(base, "GET", `/api/admin/broadcasts/${b.id}`, token);
    return `queued ${r.counts.queued}`;
  });
  await phase(`dispatch (${DISPATCH_S} s, ≤ ${DISPATCH_RATE}/s per channel)`, async () => (await sleep(DISPATCH_S * 1000), ""));
  await phase("cancel (the unsent rows)", async () => {
    const r = await call(base, "POST", `/api/admin/broadcasts/${b.id}/cancel`, token);
    return `${r.state}, cancelled ${fmt(r.counts.cancelled)}`;
  });
  p.stop();
  // Counted after the phase: a count over a million outbox rows is the bench's own stall, not the product's.
  const { states } = await api.ask("dispatch-stop");
  const sent = states.filter((s: any) => ["sent", "delivered", "seen"].includes(s.state)).reduce((a: number, s: any) => a + s.n, 0);
  ph.list[ph.list.length - 2]!.note = `sent ${fmt(sent)} (${Math.round(sent / DISPATCH_S)}/s)`;
  await sleep(300);

  console.table(ph.table());
  const planMs = ph.list[1]!.to - ph.list[1]!.from + (ph.list[2]!.to - ph.list[2]!.from);
  console.log(
    `planning (preview + start) under the probe: ${(planMs / 1000).toFixed(2)} s — ${planMs <= 5000 ? "PASS" : "MISS"} (≤ 5 s); probe failures: ${p.failures()}; ${machineLoad()}`,
  );
} finally {
  await api.stop();
  emu.proc.send({ type: "stop" });
}
