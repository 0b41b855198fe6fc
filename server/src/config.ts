import { isIP } from "node:net";
import { z } from "zod";

const url = z
  .string()
  .url()
  .transform((s) => s.replace(/\/+$/, ""));
const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`);
const bool = (def: "true" | "false") =>
  z
    .enum(["true", "false"])
    .default(def)
    .transform((v) => v === "true");

/** proxy-addr's named ranges, then IPv4/IPv6 addresses with an optional /prefix. */
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const proxyEntry = (s: string) => {
  if (PROXY_NAMES.has(s)) return true;
  const [addr, prefix, extra] = s.split("/");
  const family = isIP(addr ?? "");
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Which peers may set X-Forwarded-For. Off by default: the client's address is the socket's, so nobody
 * can pick their own rate-limit bucket. "true" (trust everyone) is refused for exactly that reason.
 */
const trustProxy = z
  .string()
  .default("false")
  .transform((v, ctx): false | number | string[] => {
    const s = v.trim();
    if (s === "false") return false;
    if (/^\d+$/.test(s)) return Number(s) === 0 ? false : Number(s);
    const list = s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
    const bad = list.filter((x) => !proxyEntry(x));
    if (s === "true" || !list.length || bad.length) {
      ctx.addIssue({
        code: "custom",
        message:
          s === "true"
            ? "trusting every proxy lets any client pick its own IP: list the proxy addresses or a hop count"
            : `not an address, CIDR range or hop count: ${bad.join(", ") || s}`,
      });
      return z.NEVER;
    }
    return list;
  });

const timeZone = z
  .string()
  .min(1)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "unknown time zone");

/** One schema over the environment, parsed once at start. Names are part of the public contract. */
const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** The SQLite file (the embedded default): ./data/master-channel.db unless set, or unless DATABASE_URL is. */
    DATABASE_PATH: z.string().min(1).optional(),
    /** `postgres://…` selects PostgreSQL instead of SQLite (issue #16: the services do not run on it yet). */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, "must be a postgres:// (or postgresql://) URL")
      .optional(),
    JWT_SECRET: secret(32),
    JWT_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    /** The Zalo App (developer app): OAuth v4 `app_id`, webhooks' `app_id` and signature, `appsecret_proof` (zalo-platform.md §1.11). */
    ZALO_APP_ID: z.string().min(1),
    /**
     * The Mini App's own id (`window.APP_ID`), not the Zalo App's: Checkout's `appId`, deep links
     * `https://zalo.me/s/<id>/…` and Graph's `miniapp_id` (§1.11). One Zalo App can hold several Mini Apps.
     */
    ZALO_MINI_APP_ID: z.string().regex(/^\d+$/, "must be the Mini App ID, digits only"),
    ZALO_APP_SECRET: secret(8),
    ZALO_OA_ID: z.string().min(1),
    ZALO_OA_SECRET_KEY: secret(8),
    ZALO_OA_ACCESS_TOKEN: z.string().min(1),
    ZALO_OA_REFRESH_TOKEN: z.string().min(1),
    /**
     * Where Zalo's OA consent page sends the admin back: this API's `GET /zalo/oa/callback`, exactly as registered
     * in the Zalo App's OAuth settings (§4). Default: this server on HOST:PORT (fine on a laptop, not behind a proxy).
     */
    ZALO_OA_REDIRECT_URI: url.optional(),
    /** The web console's address: the OA connect's callback returns the admin there. Without it the callback answers JSON. */
    CONSOLE_URL: url.optional(),
    ZALO_GRAPH_URL: url.default("https://graph.zalo.me"),
    ZALO_OAUTH_URL: url.default("https://oauth.zaloapp.com"),
    ZALO_OPENAPI_URL: url.default("https://openapi.zalo.me"),
    ZALO_BUSINESS_URL: url.default("https://business.openapi.zalo.me"),
    ZALO_PAYMENT_URL: url.default("https://payment-mini.zalo.me"),
    /** Checkout SDK private key (Mini App payment settings, §8.3). Without it, Zalo payments are off. */
    ZALO_CHECKOUT_PRIVATE_KEY: secret(8).optional(),
    /** The payment method passed to createOrder (`ZALOPAY_SANDBOX` in the sandbox). */
    ZALO_CHECKOUT_METHOD: z.string().min(1).default("ZALOPAY_SANDBOX"),
    /**
     * The method a "pay at the counter" order is created with in Checkout (Zalo asks that every payment go through
     * Checkout, cash included); its result is reported with updateOrderStatus.
     */
    ZALO_CHECKOUT_COD_METHOD: z.string().min(1).default("COD"),
    /**
     * updateOrderStatus's path on ZALO_PAYMENT_URL. Zalo's page gives the body and MAC but not the endpoint
     * (zalo-platform.md §8.4 [UNCONFIRMED]): set it from the Mini App console if it differs.
     */
    ZALO_CHECKOUT_UPDATE_PATH: z.string().startsWith("/").default("/api/transaction/update-status"),
    /** Lets a production server start with a sandbox Checkout method (a staging deploy); off by default. */
    ZALO_CHECKOUT_ALLOW_SANDBOX: bool("false"),
    /**
     * Zalo's domain-verification file (Mini App console → domain verification): its name, e.g.
     * `zalo_verifier1a2b3c` (served at `/<name>.html`), and its whole content, both as Zalo gives them.
     */
    ZALO_DOMAIN_VERIFY_FILE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, "the file name Zalo gives, without .html (letters, digits, _ and -)")
      .optional(),
    ZALO_DOMAIN_VERIFY_CONTENT: z.string().min(1).max(10_000).optional(),
    /** A registered ZNS template (params customer_name, order_code, amount) for order notices; text only without it. */
    ORDER_ZNS_TEMPLATE_ID: z.string().min(1).optional(),
    /** What one template / ZNS message costs the shop (VND, its price list): the dashboard's cost estimate; counts only without it. */
    ZNS_PRICE_VND: z.coerce.number().int().min(0).max(100_000).optional(),
    ZALO_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: secret(10).optional(),
    /** Origins allowed by CORS besides Zalo's own h5.zdn.vn (and localhost, in development and test only); comma separated. */
    CORS_ORIGINS: z.string().default(""),
    /** The reverse proxies allowed to set X-Forwarded-For: addresses/CIDRs (comma separated) or a hop count. */
    TRUST_PROXY: trustProxy,
    /** Serve the OpenAPI docs at /docs; default on in development and test, off in production. */
    DOCS_ENABLED: z.enum(["true", "false"]).optional(),
    /** The shop's IANA time zone: game days, the keep-warm floor's day, quiet hours. */
    SHOP_TIME_ZONE: timeZone.default("Asia/Ho_Chi_Minh"),
    /** The picture (https) on Zalo's request-for-info card the inbox sends (§5.2 `request_user_info` needs one): the shop's logo. */
    SHOP_LOGO_URL: url.refine((u) => u.startsWith("https://"), "must be https").default("https://masterchannel.vn/logo.png"),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /**
     * Count the per-address limits in the database (rate_buckets), for every API process on it together. Off by
     * default on SQLite, where one process is the usual deployment and a shared count would cost every request a
     * write; turn it on when several API processes share one file.
     */
    RATE_LIMIT_SHARED: bool("false"),
    /** Run the outbox dispatcher inside the API process (off when it runs as its own process). */
    DISPATCHER_ENABLED: bool("true"),
    /**
     * Zalo's per-app request limit on the OA and ZNS APIs (zalo-platform.md §5.9: 4,000 a minute, [THIRD-PARTY]).
     * Every process on the database takes its requests from one shared schedule (modules/rate-limits), and the
     * channels share it: the same value in every process.
     */
    ZALO_APP_RATE_PER_MINUTE: z.coerce.number().int().min(60).max(1_000_000).default(4000),
    /** Sends per second per channel, at most the app-wide limit (ZALO_APP_RATE_PER_MINUTE / 60) that all channels share. */
    DISPATCH_RATE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(60),
    DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
    /** How long a claimed batch is the dispatcher's; a crashed dispatcher's rows are picked up after it. */
    DISPATCH_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
    /** How long a periodic job's lease (job_leases) lasts unrenewed: a crashed holder's job is taken over after it. */
    JOB_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
    /**
     * On SIGTERM, how long `/ready` answers 503 while requests are still served, before the server stops
     * listening: set it to the time the load balancer needs to stop routing here (0 = close at once).
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).default(0),
    /** After a crash, how long to wait for a ZNS delivery receipt before sending a row again. */
    DISPATCH_RECEIPT_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
    /**
     * Whether Zalo lists template-by-UID messages in the OA conversation API (undocumented). If true, a template
     * left in flight by a crash and absent from the conversation is sent again; if false it ends OUTCOME_UNKNOWN.
     */
    ZALO_CONVERSATION_LISTS_TEMPLATES: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /** Run the dashboard's fill job (stores the figures of settled days) inside the API process. */
    DASHBOARD_JOB_ENABLED: bool("true"),
    /** A day's dashboard figures are final, and stored, once the day ended this many hours ago (late receipts, retried webhooks). */
    DASHBOARD_SETTLE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 31)
      .default(48),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((c, ctx) => {
    if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "ADMIN_EMAIL and ADMIN_PASSWORD go together" });
    }
    // A request still waiting for Zalo's answer when its lease ends would be taken for one a crash left behind.
    if (c.DISPATCH_LEASE_MS <= c.ZALO_TIMEOUT_MS) {
      ctx.addIssue({ code: "custom", path: ["DISPATCH_LEASE_MS"], message: "must be longer than ZALO_TIMEOUT_MS" });
    }
    if (c.ZALO_MINI_APP_ID === c.ZALO_APP_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_MINI_APP_ID"],
        message: "is the Zalo App ID: the Mini App has its own id (Mini App console), used by Checkout, deep links and Graph's miniapp_id",
      });
    }
    // Real shoppers are never offered a sandbox method: a shop in production would take no payments.
    if (c.NODE_ENV === "production" && c.ZALO_CHECKOUT_PRIVATE_KEY && /sandbox/i.test(c.ZALO_CHECKOUT_METHOD) && !c.ZALO_CHECKOUT_ALLOW_SANDBOX) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_CHECKOUT_METHOD"],
        message: `${c.ZALO_CHECKOUT_METHOD} is a sandbox method, which real shoppers are never offered: set the live method, or ZALO_CHECKOUT_ALLOW_SANDBOX=true for a staging server`,
      });
    }
    if ((c.ZALO_DOMAIN_VERIFY_FILE === undefined) !== (c.ZALO_DOMAIN_VERIFY_CONTENT === undefined)) {
      ctx.addIssue({ code: "custom", path: ["ZALO_DOMAIN_VERIFY_CONTENT"], message: "ZALO_DOMAIN_VERIFY_FILE and ZALO_DOMAIN_VERIFY_CONTENT go together" });
    }
    // Two databases named at once: whichever we picked, the other half of the operator's intent is lost.
    if (c.DATABASE_URL !== undefined && c.DATABASE_PATH !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "DATABASE_URL (PostgreSQL) and DATABASE_PATH (SQLite) are both set: set only the one for the database this server uses",
      });
    }
    if (c.NODE_ENV === "production" && c.JWT_SECRET.startsWith("dev-")) {
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "a dev secret cannot be used in production" });
    }
  })
  .transform(({ DOCS_ENABLED, DATABASE_PATH, ...c }) => ({
    ...c,
    DATABASE_DIALECT: c.DATABASE_URL === undefined ? ("sqlite" as const) : ("postgres" as const),
    DATABASE_PATH: DATABASE_PATH ?? "./data/master-channel.db",
    DOCS_ENABLED: DOCS_ENABLED === undefined ? c.NODE_ENV !== "production" : DOCS_ENABLED === "true",
  }));

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * The API and the dispatcher run on SQLite only, so far: a server pointed at PostgreSQL says so and stops,
 * rather than quietly opening DATABASE_PATH's SQLite file. The PostgreSQL schema tooling (db/pg/) works.
 */
export function refuseUnsupportedDatabase(config: Pick<Config, "DATABASE_DIALECT">): void {
  if (config.DATABASE_DIALECT === "postgres") {
    throw new ConfigError([
      "DATABASE_URL: selects PostgreSQL, which this version's API and dispatcher do not run on yet (issue #16; only its schema and migrations exist: `pnpm --filter @mc/server db:pg:migrate`). Unset DATABASE_URL to run on SQLite.",
    ]);
  }
}

/** Parses the environment; throws a ConfigError that lists every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return parsed.data;
}
