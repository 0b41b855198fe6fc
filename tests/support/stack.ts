import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveWww } from "./serve-www";

export type StackOptions = {
  /** Fixed ports for the demo; 0 (free ports) in tests. */
  apiPort?: number;
  emulatorPort?: number;
  webPort?: number;
  databasePath?: string;
  /** Create a demo store and give the staff and admin personas their roles. */
  seed?: boolean;
  /** Server log level; "silent" (the default) in tests. */
  logLevel?: "silent" | "error" | "warn" | "info" | "debug";
  /** Host the three servers listen on; tests use 127.0.0.1, the demo "localhost" (zmp-sdk treats it as dev). */
  host?: string;
};

export type Stack = {
  apiUrl: string;
  emulatorUrl: string;
  webUrl: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  emulator: Awaited<ReturnType<typeof buildEmulator>>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
};

const WWW = resolve(fileURLToPath(import.meta.url), "../../../mini-app/www");
export const DEMO_ADMIN = { email: "owner@masterchannel.vn", password: "demo-password-123" };

/**
 * The whole product on one machine: the Zalo emulator, the API wired to it (base URLs, webhook URL,
 * OA tokens, secrets all agree), and the built mini app served with its runtime config injected.
 */
/** The server's Zalo settings for an emulator at `emulatorUrl`: its demo app and OA, and its hosts. */
export function emulatorZaloEnv(emulatorUrl: string): Record<string, string> {
  return {
    ZALO_APP_ID: DEV_DEFAULTS.ZALO_APP_ID,
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
  };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const host = opts.host ?? "127.0.0.1";
  const emulator = await buildEmulator({
    ...emulatorOptionsFromEnv(DEV_DEFAULTS),
    logger: false,
  });
  const emulatorUrl = `http://${host}:${new URL(await emulator.app.listen({ port: opts.emulatorPort ?? 0, host: "127.0.0.1" })).port}`;

  const config = loadConfig({
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
  const app = await buildApp({ config, logger: (opts.logLevel ?? "silent") !== "silent" });
  const apiUrl = `http://${host}:${new URL(await app.listen({ port: opts.apiPort ?? 0, host: "127.0.0.1" })).port}`;
  await fetch(`${emulatorUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      webhookUrl: `${apiUrl}/webhooks/zalo`,
      checkoutCallbackUrl: `${apiUrl}/webhooks/zalo-checkout/callback`,
      checkoutNotifyUrl: `${apiUrl}/webhooks/zalo-checkout/notify`,
    }),
  });

  const web = await serveWww({ dir: WWW, config: { apiUrl, emulatorUrl, oaId: DEV_DEFAULTS.ZALO_OA_ID }, port: opts.webPort ?? 0 });
  const webUrl = web.url.replace("127.0.0.1", host);

  async function adminToken() {
    const res = await fetch(`${apiUrl}/api/admin/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(DEMO_ADMIN) });
    return ((await res.json()) as { token: string }).token;
  }

  const stack: Stack = {
    apiUrl,
    emulatorUrl,
    webUrl,
    app,
    emulator,
    adminToken,
    close: async () => {
      await web.close();
      await app.close();
      await emulator.app.close();
    },
  };
  if (opts.seed) await seedDemo(stack);
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
  return api<{ token: string; customer: { id: string } }>(stack, "POST", "/api/auth/zalo", null, { accessToken });
}

/** Idempotent demo data: a store, a staff member at it, and an admin persona. */
export async function seedDemo(stack: Stack) {
  const admin = await stack.adminToken();
  await api(stack, "POST", "/api/admin/stores", admin, { id: "q1-nguyen-hue", name: "Cà Phê Sài Gòn · Nguyễn Huệ", address: "42 Nguyễn Huệ, Quận 1, TP.HCM" });
  await api(stack, "POST", "/api/admin/stores", admin, { id: "q3-vo-van-tan", name: "Cà Phê Sài Gòn · Võ Văn Tần", address: "15 Võ Văn Tần, Quận 3, TP.HCM" });
  const staff = await personaLogin(stack, "staff");
  await api(stack, "PUT", `/api/admin/customers/${staff.customer.id}/role`, admin, { role: "staff", storeIds: ["q1-nguyen-hue"] });
  const boss = await personaLogin(stack, "admin");
  await api(stack, "PUT", `/api/admin/customers/${boss.customer.id}/role`, admin, { role: "admin" });
  return { admin };
}
