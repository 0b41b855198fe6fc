import type { FastifyInstance } from "fastify";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { buildApp } from "./app";
import { loadConfig, type Config } from "./config";

export const TEST_ENV = {
  NODE_ENV: "test",
  JWT_SECRET: "test-secret-test-secret-test-secret-000",
  ZALO_APP_ID: "1234567890123456789",
  ZALO_MINI_APP_ID: "5550001112223334445",
  // The emulator is Checkout's sandbox; the production refusal of a sandbox method is tested in config.test.ts.
  ZALO_CHECKOUT_ALLOW_SANDBOX: "true",
  ZALO_APP_SECRET: "app-secret-for-tests",
  ZALO_OA_ID: "9876543210987654321",
  ZALO_OA_SECRET_KEY: "oa-secret-key-for-tests",
  ZALO_OA_ACCESS_TOKEN: "oa-access-initial",
  ZALO_OA_REFRESH_TOKEN: "oa-refresh-initial",
  ZALO_CHECKOUT_PRIVATE_KEY: "checkout-private-key-for-tests",
  ADMIN_EMAIL: "owner@shop.vn",
  ADMIN_PASSWORD: "correct horse battery",
  DATABASE_PATH: ":memory:",
  LOG_LEVEL: "silent",
  RATE_LIMIT_PER_MINUTE: "100000",
  AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  // Tests drive the dispatcher themselves (services.dispatcher.drain()), so nothing is sent behind their back.
  DISPATCHER_ENABLED: "false",
  // Likewise the dashboard's fill job (tests call services.dashboard.fill()).
  DASHBOARD_JOB_ENABLED: "false",
} as const;

const HOUR = 3_600_000;
/**
 * The last 10:00 in Vietnam (UTC+7, no daylight saving) at or before `at`: never ahead of the real clock, which
 * tokens, leases and limiters still read beside the frozen one.
 */
export function shopMorning(at = Date.now()): number {
  const tenAm = at - ((at + 7 * HOUR) % (24 * HOUR)) + 10 * HOUR;
  return tenAm <= at ? tenAm : tenAm - 24 * HOUR;
}

export type Harness = {
  app: FastifyInstance;
  config: Config;
  emu: Awaited<ReturnType<typeof buildEmulator>>;
  emuUrl: string;
  /** POST/GET the emulator's control API. */
  control<T = any>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** Signs a persona (shopper, staff, admin) in through the real flow: emulator token → /api/auth/zalo. */
  login(persona: string): Promise<{ token: string; customer: any; zaloToken: string }>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
};

/**
 * A fresh server on in-memory SQLite wired to a fresh emulator on a free port. The server's clock
 * follows the emulator's, so moving time in one moves it in both.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const emu = await buildEmulator({
    ...emulatorOptionsFromEnv(TEST_ENV),
    retrySchedule: [50],
    // A frozen clock: time moves only when a test moves it, so retries and windows are deterministic. It starts at
    // the same hour of the shop's day whenever the suite runs: outside quiet hours, Zalo's ZNS night and the
    // promotion hours' edges, so a test run at 22:00 sees what one at noon does.
    now: shopMorning(),
    logger: false,
  });
  const emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const config = loadConfig({
    ...TEST_ENV,
    ZALO_GRAPH_URL: `${emuUrl}/graph`,
    ZALO_OAUTH_URL: `${emuUrl}/oauth`,
    ZALO_OPENAPI_URL: `${emuUrl}/openapi`,
    ZALO_BUSINESS_URL: `${emuUrl}/business`,
    ZALO_PAYMENT_URL: `${emuUrl}/payment`,
    ZALO_TIMEOUT_MS: "1500",
    ...env,
  });
  const app = await buildApp({ config, now: () => emu.clock.now(), logger: false });
  await app.ready();

  async function control(method: string, path: string, body?: unknown) {
    const res = await fetch(`${emuUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  }

  async function login(persona: string) {
    const { accessToken } = await control("POST", `/_emu/personas/${persona}/login`);
    const res = await app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
    if (res.statusCode !== 200) throw new Error(`login ${persona} failed: ${res.body}`);
    return { ...res.json(), zaloToken: accessToken };
  }

  async function adminToken() {
    const res = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } });
    return res.json().token as string;
  }

  return {
    app,
    config,
    emu,
    emuUrl,
    control: control as Harness["control"],
    login,
    adminToken,
    close: async () => {
      await app.close();
      await emu.app.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A new person in the emulator, signed in through the real flow. */
export async function newShopper(h: Harness, name: string) {
  const user = await h.control("POST", "/_emu/users", { name });
  const { accessToken } = await h.control("POST", `/_emu/users/${user.appUserId}/token`);
  const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const body = res.json();
  return { token: body.token as string, customer: body.customer, appUserId: user.appUserId as string, oaUserId: user.oaUserId as string };
}

/** An admin token, two stores and the staff persona working at the first one. */
export async function withStoreAndStaff(h: Harness) {
  const admin = await h.adminToken();
  for (const [id, name] of [
    ["q1", "Quận 1"],
    ["q3", "Quận 3"],
  ]) {
    await h.app.inject({ method: "POST", url: "/api/admin/stores", headers: bearer(admin), payload: { id, name } });
  }
  // The staff persona is no OA follower here: a follower would be recognised at sign-in (Graph is_follower) and
  // join every audience the tests count. Tests about followers make their own.
  const personas = (await h.control("GET", "/_emu/personas")) as { key: string; appUserId: string }[];
  await h.control("PATCH", `/_emu/users/${personas.find((p) => p.key === "staff")!.appUserId}`, { follower: false });
  const staff = await h.login("staff");
  await h.app.inject({
    method: "PUT",
    url: `/api/admin/customers/${staff.customer.id}/role`,
    headers: bearer(admin),
    payload: { role: "staff", storeIds: ["q1"] },
  });
  return { admin, staff, storeId: "q1", otherStoreId: "q3" };
}

export async function memberCodeOf(h: Harness, token: string): Promise<string> {
  const res = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) });
  return res.json().loyalty.memberCode;
}

/** The environment of an API on a database file, wired to an emulator at `emuUrl`. */
export function fileEnv(emuUrl: string, databasePath: string): Record<string, string> {
  return {
    ...TEST_ENV,
    DATABASE_PATH: databasePath,
    ZALO_GRAPH_URL: `${emuUrl}/graph`,
    ZALO_OAUTH_URL: `${emuUrl}/oauth`,
    ZALO_OPENAPI_URL: `${emuUrl}/openapi`,
    ZALO_BUSINESS_URL: `${emuUrl}/business`,
    ZALO_PAYMENT_URL: `${emuUrl}/payment`,
  };
}

/** One API instance in its own process (test-instance.ts): its own event loop and SQLite connection. */
export function forkApi(env: Record<string, string>): Promise<{ url: string; pid: number; exited: Promise<void>; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL("./test-instance.ts", import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.send("stop");
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve({ url: m.url, pid: child.pid!, exited, stop }));
    child.once("exit", (code) => reject(new Error(`API instance exited early (${code})`)));
  });
}

/**
 * `n` new shoppers who follow the OA, their welcome messages sent (the dispatcher drained) and their outbox
 * rows deleted, so a messaging test's outbox holds only what it causes. The emulator's record of the
 * welcomes is the caller's to set aside (its conversation API still shows them).
 */
export async function followingShoppers(h: Harness, n: number) {
  const people = [];
  for (let i = 0; i < n; i++) {
    const s = await newShopper(h, `Khách ${i}`);
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    people.push(s);
  }
  await h.app.services.dispatcher.drain();
  h.app.services.db.$client.prepare("delete from outbox where source = 'welcome'").run();
  return people;
}

/** Runs `fn` on every event-loop turn until stopped: stands for the requests served while a sliced job runs. */
export function everyTurn(fn: () => void) {
  let on = true;
  const turn = () => {
    if (!on) return;
    fn();
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => (on = false);
}
