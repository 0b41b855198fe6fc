import { createServer, type AddressInfo } from "node:net";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig, type Config } from "@mc/server/config";
import { DEMO_STORES, demoStoreHours, seedDemoHistory, type DemoHistoryOptions, type DemoHistoryResult } from "@mc/server/demo/history";
import { seedDemoMenu, type DemoMenuApi } from "@mc/server/demo/menu";
import type { MenuImage } from "@mc/shared";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveWww } from "./serve-www";

export type StackOptions = {
  /** Fixed ports for the demo; 0 (free ports) in tests. */
  apiPort?: number;
  emulatorPort?: number;
  webPort?: number;
  consolePort?: number;
  databasePath?: string;
  /** Create a demo store and give the staff and admin personas their roles. */
  seed?: boolean;
  /**
   * With `seed`, also write the demo history (a few hundred customers, 60 days of orders, points, plays, follows
   * and messages; server/src/demo/history.ts), once per database. Off unless asked: the browser tests count on
   * the personas being the only people. `pnpm start` asks for it.
   */
  history?: boolean | Pick<DemoHistoryOptions, "customers" | "days" | "seed" | "now">;
  /**
   * With `seed`, give the stores the demo's real opening hours (07:00–22:00, Tết closed). Off in tests: their stores
   * are open all day, so a test that orders passes at any hour it runs. `pnpm start` asks for it.
   */
  demoHours?: boolean;
  /**
   * With `seed`, write the demo menu (15 products with pictures, server/src/demo/menu.ts) through the admin API,
   * unless the shop has products already. Off in tests (each builds its own menu); `pnpm start` asks for it.
   */
  menu?: boolean;
  /** The API's clock (Date.now by default): a test pins it to an hour of the shop's day. */
  now?: () => number;
  /** Server log level; "silent" (the default) in tests. */
  logLevel?: "silent" | "error" | "warn" | "info" | "debug";
  /** Host the servers listen on; tests use 127.0.0.1, the demo "localhost" (zmp-sdk treats it as dev). */
  host?: string;
};

export type Stack = {
  apiUrl: string;
  emulatorUrl: string;
  /** The mini app. */
  webUrl: string;
  /** The admin web console (its own app and origin; `${webUrl}/console.html` redirects here for old links). */
  consoleUrl: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  emulator: Awaited<ReturnType<typeof buildEmulator>>;
  config: Config;
  /** What the demo history did (null when not asked for). */
  history: DemoHistoryResult | null;
  adminToken(): Promise<string>;
  close(): Promise<void>;
};

const WWW = resolve(fileURLToPath(import.meta.url), "../../../mini-app/www");
const CONSOLE = resolve(fileURLToPath(import.meta.url), "../../../console/dist");
export const DEMO_ADMIN = { email: "owner@masterchannel.vn", password: "demo-password-123" };

/**
 * The whole product on one machine: the Zalo emulator, the API wired to it (base URLs, webhook URL,
 * OA tokens, secrets all agree), and the built mini app and console, each served with its runtime config injected.
 */
/** The server's Zalo settings for an emulator at `emulatorUrl`: its demo app and OA, and its hosts. */
export function emulatorZaloEnv(emulatorUrl: string): Record<string, string> {
  return {
    ZALO_APP_ID: DEV_DEFAULTS.ZALO_APP_ID,
    ZALO_MINI_APP_ID: DEV_DEFAULTS.ZALO_MINI_APP_ID,
    ZALO_APP_SECRET: DEV_DEFAULTS.ZALO_APP_SECRET,
    ZALO_OA_ID: DEV_DEFAULTS.ZALO_OA_ID,
    ZALO_OA_SECRET_KEY: DEV_DEFAULTS.ZALO_OA_SECRET_KEY,
    ZALO_OA_ACCESS_TOKEN: DEV_DEFAULTS.ZALO_OA_ACCESS_TOKEN,
    ZALO_OA_REFRESH_TOKEN: DEV_DEFAULTS.ZALO_OA_REFRESH_TOKEN,
    ZALO_GRAPH_URL: `${emulatorUrl}/graph`,
    ZALO_OAUTH_URL: `${emulatorUrl}/oauth`,
    ZALO_OPENAPI_URL: `${emulatorUrl}/openapi`,
    ZALO_BUSINESS_URL: `${emulatorUrl}/business`,
    ZALO_PAYMENT_URL: `${emulatorUrl}/payment`,
    ZALO_CHECKOUT_PRIVATE_KEY: DEV_DEFAULTS.ZALO_CHECKOUT_PRIVATE_KEY,
    // The emulator is a sandbox: its ZALOPAY_SANDBOX method is fine even when the demo runs as production.
    ZALO_CHECKOUT_ALLOW_SANDBOX: "true",
  };
}

/** A port nobody listens on now (the OS's pick), for a server whose URL its config must name before it starts. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const host = opts.host ?? "127.0.0.1";
  const emulator = await buildEmulator({
    ...emulatorOptionsFromEnv(DEV_DEFAULTS),
    logger: false,
  });
  const emulatorUrl = `http://${host}:${new URL(await emulator.app.listen({ port: opts.emulatorPort ?? 0, host: "127.0.0.1" })).port}`;

  // The API's and the console's ports are known before the config: the OA connect's redirect URI and its way back name them.
  const apiPort = opts.apiPort || (await freePort());
  const consolePort = opts.consolePort || (await freePort());
  const oaRedirectUri = `http://${host}:${apiPort}/zalo/oa/callback`;
  const config = loadConfig({
    ZALO_OA_REDIRECT_URI: oaRedirectUri,
    CONSOLE_URL: `http://${host}:${consolePort}`,
    NODE_ENV: process.env.NODE_ENV === "production" ? "production" : "development",
    JWT_SECRET: "dev-jwt-secret-for-the-local-demo-only",
    ...emulatorZaloEnv(emulatorUrl),
    DATABASE_PATH: opts.databasePath ?? ":memory:",
    ADMIN_EMAIL: DEMO_ADMIN.email,
    ADMIN_PASSWORD: DEMO_ADMIN.password,
    LOG_LEVEL: opts.logLevel ?? "silent",
    RATE_LIMIT_PER_MINUTE: "100000",
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
  });
  const app = await buildApp({ config, logger: (opts.logLevel ?? "silent") !== "silent", now: opts.now });
  const apiUrl = `http://${host}:${new URL(await app.listen({ port: apiPort, host: "127.0.0.1" })).port}`;
  await fetch(`${emulatorUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      webhookUrl: `${apiUrl}/webhooks/zalo`,
      checkoutCallbackUrl: `${apiUrl}/webhooks/zalo-checkout/callback`,
      checkoutNotifyUrl: `${apiUrl}/webhooks/zalo-checkout/notify`,
      // Registered as in the Zalo App's OAuth settings: a connect with any other redirect is refused (-14003).
      oauthRedirectUris: [oaRedirectUri],
    }),
  });

  const consoleWeb = await serveWww({ dir: CONSOLE, config: { apiUrl }, port: consolePort });
  const consoleUrl = consoleWeb.url.replace("127.0.0.1", host);
  const web = await serveWww({
    dir: WWW,
    config: { apiUrl, emulatorUrl, oaId: DEV_DEFAULTS.ZALO_OA_ID },
    port: opts.webPort ?? 0,
    redirects: { "/console.html": `${consoleUrl}/` },
  });
  const webUrl = web.url.replace("127.0.0.1", host);

  async function adminToken() {
    const res = await fetch(`${apiUrl}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(DEMO_ADMIN) });
    return ((await res.json()) as { token: string }).token;
  }

  const stack: Stack = {
    apiUrl,
    emulatorUrl,
    webUrl,
    consoleUrl,
    app,
    emulator,
    config,
    history: null,
    adminToken,
    close: async () => {
      await web.close();
      await consoleWeb.close();
      await app.close();
      await emulator.app.close();
    },
  };
  if (opts.seed) stack.history = (await seedDemo(stack, { history: opts.history, demoHours: opts.demoHours, menu: opts.menu })).history;
  return stack;
}

async function api<T>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok && res.status !== 409) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Signs a persona in through the real flow (emulator token → server verifies at Graph /me). */
export async function personaLogin(stack: Stack, persona: string) {
  const res = await fetch(`${stack.emulatorUrl}/_emu/personas/${persona}/login`, { method: "POST" });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const session = await api<{ token: string; customer: { id: string } }>(stack, "POST", "/api/auth/zalo", null, { accessToken });
  // The Zalo token too: the phone exchange takes one beside the phone token.
  return { ...session, zaloToken: accessToken };
}

/**
 * Idempotent demo data: two stores (open all day, or with the demo's hours if asked), a staff member at the first, an
 * admin persona, and (if asked) the demo history. Stores already there keep the hours the shop gave them.
 */
export async function seedDemo(stack: Stack, opts: { history?: StackOptions["history"]; demoHours?: boolean; menu?: boolean } = {}) {
  const admin = await stack.adminToken();
  let history: DemoHistoryResult | null = null;
  if (opts.history) {
    // The history runs on its own clock, two months back: the API's dispatcher, on today's, waits until it is written.
    const { db, dispatcher } = stack.app.services;
    await dispatcher.stop();
    try {
      history = await seedDemoHistory({ db, config: stack.config, emulatorUrl: stack.emulatorUrl, ...(opts.history === true ? {} : opts.history) });
    } finally {
      if (stack.config.DISPATCHER_ENABLED) dispatcher.start();
    }
  }
  const hours = opts.demoHours ? demoStoreHours(Date.now(), stack.config.SHOP_TIME_ZONE) : {};
  for (const store of DEMO_STORES) await api(stack, "POST", "/api/admin/stores", admin, { ...store, ...hours });
  const staff = await personaLogin(stack, "staff");
  await api(stack, "PUT", `/api/admin/customers/${staff.customer.id}/role`, admin, { role: "staff", storeIds: [DEMO_STORES[0].id] });
  const boss = await personaLogin(stack, "admin");
  await api(stack, "PUT", `/api/admin/customers/${boss.customer.id}/role`, admin, { role: "admin" });
  if (opts.menu) await seedDemoMenu(demoMenuApi(stack, admin), [DEMO_STORES[0].id, DEMO_STORES[1].id]);
  return { admin, history };
}

/** The demo menu's seed through the admin API, pictures uploaded as a console would. */
function demoMenuApi(stack: Stack, admin: string): DemoMenuApi {
  return {
    productCount: async () => (await api<{ products: unknown[] }>(stack, "GET", "/api/admin/menu/products", admin)).products.length,
    createCategory: (input) => api(stack, "POST", "/api/admin/menu/categories", admin, input),
    createProduct: (input) => api(stack, "POST", "/api/admin/menu/products", admin, input),
    async uploadImage(png) {
      const res = await fetch(`${stack.apiUrl}/api/admin/menu/images`, {
        method: "POST",
        headers: { "content-type": "image/png", authorization: `Bearer ${admin}` },
        body: new Uint8Array(png),
      });
      if (res.status !== 201) throw new Error(`POST /api/admin/menu/images → ${res.status} ${await res.text()}`);
      return res.json() as Promise<MenuImage>;
    },
  };
}
