/**
 * What the bench entry points and their child processes share: seeding, the API's environment, HTTP calls,
 * and the load/latency machinery (child processes, the open-loop probe, phases, the server's event-loop figures).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { DEFAULT_WARMING_RULES } from "@mc/shared";
import type { openDb } from "@mc/server/db/client";
import { fileEnv } from "@mc/server/test-support";

/** N followers `c0…`, matching the emulator's seeded users (bench/emulator-process.ts), seen an hour before `t`. */
export function seedCustomers(db: ReturnType<typeof openDb>, n: number, t: number) {
  const insert = db.$client.prepare(
    "insert into customers (id, zalo_id, zalo_oa_id, phone, name, member_code, follows_oa, last_interaction_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(
        `c${i}`,
        `7700${String(i).padStart(12, "0")}`,
        `8800${String(i).padStart(12, "0")}`,
        `8490${String(i).padStart(7, "0")}`,
        `Khách ${i}`,
        `M${i}`,
        t - 3600_000,
        t,
        t,
      );
    }
  })();
}

/** Warming rules without quiet hours or caps, so a run does not depend on the hour it starts at. */
export function seedOpenRules(db: ReturnType<typeof openDb>, t: number) {
  db.$client
    .prepare("insert into warming_rules (rules, changed_by, created_at) values (?, 'bench', ?)")
    .run(JSON.stringify({ ...DEFAULT_WARMING_RULES, quietHours: null, caps: [] }), t);
}

/** The real API as measured: production mode, on the database file `dbPath`, wired to the emulator at `emuUrl`, no rate limits. */
export function benchApiEnv(emuUrl: string, dbPath: string): Record<string, string> {
  return {
    ...fileEnv(emuUrl, dbPath),
    NODE_ENV: "production",
    RATE_LIMIT_PER_MINUTE: "100000000",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000000",
  };
}

/** One JSON call to the API at `base`; a non-2xx answer throws with its body. */
export async function call<T = any>(base: string, method: string, path: string, token?: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---- The load/latency machinery of the benchmarks that measure what a request waits behind background
// work (bench/stall.ts, bench/timers.ts): the API in a child process, an open-loop probe here, phases. ----

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const f1 = (x: number) => x.toFixed(1);
export const fmt = (x: number) => x.toLocaleString("en-US");

/** A bench process (`file`, relative to bench/) forked under tsx; resolves once it sends its first (ready) message. */
export type Child = { proc: ChildProcess; ready: any; ask: (type: string) => Promise<any>; stop: () => Promise<void> };
export function forkChild(file: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Child> {
  const proc = fork(new URL(file, import.meta.url).pathname, [], { env: { ...process.env, ...env }, execArgv: ["--import", "tsx", ...execArgv] });
  // One request to the child and its answer: the first message back of the same type.
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
  const stop = () => new Promise<void>((r) => (proc.once("exit", () => r()), proc.send({ type: "stop" })));
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${file} exited early (${code})`)));
    proc.once("message", (ready: any) => {
      proc.removeAllListeners("exit");
      resolve({ proc, ready, ask, stop });
    });
  });
}

export type Stats = { n: number; p50: number; p99: number; max: number; over: number };

/**
 * Open-loop probe: every `everyMs` the next of `requests` (in turn) is sent whether or not the previous ones
 * were answered, so a probe due during a stall waits it out; each is timed from when it was due to its
 * answer. A non-2xx answer counts as a failure, not a latency.
 */
export function openLoopProbe(base: string, everyMs: number, requests: { path: string; token?: string }[]) {
  const done: { at: number; end: number; ms: number }[] = [];
  let failures = 0;
  let i = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    const r = requests[i++ % requests.length]!;
    fetch(`${base}${r.path}`, r.token ? { headers: { authorization: `Bearer ${r.token}` } } : {})
      .then((res) => (res.ok ? res.text() : Promise.reject(new Error(String(res.status)))))
      .then(() => {
        const end = performance.now();
        done.push({ at, end, ms: end - at });
      })
      .catch(() => failures++);
  }, everyMs);
  return {
    stop: () => clearInterval(timer),
    /** Probes that overlapped [from, to]: they waited behind whatever ran then; `over`: how many waited longer than `overMs`. */
    between(from: number, to: number, overMs = Infinity): Stats {
      const ms = done
        .filter((p) => p.at <= to && p.end >= from)
        .map((p) => p.ms)
        .sort((a, b) => a - b);
      const pct = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
      return { n: ms.length, p50: pct(0.5), p99: pct(0.99), max: ms[ms.length - 1] ?? NaN, over: ms.filter((x) => x > overMs).length };
    },
    failures: () => failures,
  };
}

/** The server's longest event-loop turn in a phase (see `loopMonitor`). */
export type LoopFigures = { wallMax: number; cpuMax: number; queuedOfMax: number; checkpointMax: number; checkpoints: number };

/**
 * Named phases under one probe: each resets the server's event-loop figures (its "loop" answer), runs, and
 * keeps its span; `table` sets each phase's probe latency beside the first phase's (the baseline).
 */
export function phases(api: Child, probe: ReturnType<typeof openLoopProbe>, targetMs: number) {
  const list: { phase: string; from: number; to: number; note: string; loop: LoopFigures }[] = [];
  return {
    list,
    async run(name: string, fn: () => Promise<string | void>) {
      await api.ask("loop");
      const from = performance.now();
      const note = (await fn()) ?? "";
      const to = performance.now();
      list.push({ phase: name, from, to, note, loop: await api.ask("loop") });
    },
    table() {
      const baseline = probe.between(list[0]!.from, list[0]!.to);
      return list.map((ph, i) => {
        const s = probe.between(ph.from, ph.to, targetMs);
        return {
          phase: ph.phase,
          seconds: ((ph.to - ph.from) / 1000).toFixed(2),
          probes: s.n,
          "p50 ms": f1(s.p50),
          "p99 ms": f1(s.p99),
          "max ms": f1(s.max),
          [`> ${targetMs} ms`]: s.over,
          "baseline p50/p99/max ms": `${f1(baseline.p50)}/${f1(baseline.p99)}/${f1(baseline.max)}`,
          "server turn max ms": f1(ph.loop.wallMax),
          "of it main-thread CPU ms": f1(ph.loop.cpuMax),
          "of it waiting for a core ms": f1(ph.loop.queuedOfMax),
          "WAL passes, longest ms": `${ph.loop.checkpoints}, ${f1(ph.loop.checkpointMax)}`,
          verdict: i === 0 ? "" : s.n === 0 ? "(no probe)" : s.max <= targetMs ? `PASS (≤ ${targetMs} ms)` : `MISS (> ${targetMs} ms)`,
          note: ph.note,
        };
      });
    },
  };
}

/** The 1-, 5- and 15-minute load averages and the cores: on a shared machine, every figure's context. */
export const machineLoad = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")} on ${cpus().length} cores`;

/**
 * In a bench API process: the event loop's longest turn, two ways: wall time (what a request waited, machine
 * noise included) and the CPU time this (main) thread ran within it, from /proc/thread-self/schedstat (ns on
 * CPU): on a busy shared machine the wall time also counts the moments the OS ran something else, the
 * thread's own CPU time does not. For the longest turn, also how long the thread was runnable but waiting
 * for a core (run-queue wait, schedstat's second field): the part of that stall the machine made, not the
 * code. With `sqlite`, also the WAL checkpoint passes this thread ran (how many, the longest;
 * db/client.ts), timed apart as they wait on fsync (wall time, no CPU). `take` returns the figures and
 * resets them.
 */
export function loopMonitor(sqlite?: { pragma: (source: string, options?: any) => unknown }) {
  // ms on a CPU and ms runnable on a run queue, for this (main) thread.
  const sched = () =>
    readFileSync("/proc/thread-self/schedstat", "utf8")
      .split(" ", 2)
      .map((x) => Number(x) / 1e6);
  const empty = (): LoopFigures => ({ wallMax: 0, cpuMax: 0, queuedOfMax: 0, checkpointMax: 0, checkpoints: 0 });
  let lastWall = performance.now();
  let [lastCpu, lastQueued] = sched() as [number, number];
  let loop = empty();
  if (sqlite) {
    const pragma = sqlite.pragma.bind(sqlite);
    sqlite.pragma = (source: string, options?: any) => {
      if (!source.startsWith("wal_checkpoint")) return pragma(source, options);
      const t = performance.now();
      try {
        return pragma(source, options);
      } finally {
        loop.checkpointMax = Math.max(loop.checkpointMax, performance.now() - t);
        loop.checkpoints++;
      }
    };
  }
  setInterval(() => {
    const wall = performance.now();
    const [cpu, queued] = sched() as [number, number];
    const wallMs = wall - lastWall;
    const longest = wallMs > loop.wallMax;
    loop = {
      ...loop,
      wallMax: Math.max(loop.wallMax, wallMs),
      cpuMax: Math.max(loop.cpuMax, Math.min(cpu - lastCpu, wallMs)),
      queuedOfMax: longest ? Math.min(queued - lastQueued, wallMs) : loop.queuedOfMax,
    };
    lastWall = wall;
    lastCpu = cpu;
    lastQueued = queued;
  }, 1).unref();
  return {
    take() {
      const l = loop;
      loop = empty();
      return l;
    },
  };
}

/**
 * In a bench API process: answers the parent's messages. Each handler's result goes back with its type;
 * "loop" (the event-loop figures) and "stop" (close, remove `dir`, exit) are common to all. Then says ready.
 */
export function serveParent(
  app: { close: () => Promise<unknown> },
  dir: string,
  loop: ReturnType<typeof loopMonitor>,
  handlers: Record<string, () => object | Promise<object>>,
  ready: object,
) {
  process.on("message", async (m: { type: string }) => {
    if (m.type === "loop") process.send!({ type: "loop", ...loop.take() });
    else if (m.type === "stop") {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    } else if (handlers[m.type]) process.send!({ type: m.type, ...(await handlers[m.type]!()) });
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ type: "ready", ...ready });
}
