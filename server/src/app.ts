import Fastify, { type FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { serializerCompiler, validatorCompiler, jsonSchemaTransform } from "fastify-type-provider-zod";
import { randomUUID } from "node:crypto";
import { ErrorCode } from "@mc/shared";
import { refuseUnsupportedDatabase, type Config } from "./config";
import { openDb, startCheckpoints, type Db } from "./db/client";
import { healthRoutes } from "./http/readiness";
import { domainVerificationRoute } from "./http/domain-verify";
import { AppError } from "./errors";
import { authPlugin } from "./http/auth";
import { frameworkErrors, installErrorHandler } from "./http/error-handler";
import type { ZaloClient } from "./zalo/client";
import { customerRoutes } from "./modules/customers/routes";
import { staffGrantRoutes } from "./modules/customers/staff-routes";
import { storeRoutes } from "./modules/stores/routes";
import { identityRoutes } from "./modules/identity/routes";
import { adminRoutes } from "./modules/admin/routes";
import { oaConnectRoutes } from "./modules/oa/connect-routes";
import { followerSyncRoutes, oaWebhookRoutes } from "./modules/oa/routes";
import type { FollowerSync } from "./modules/oa/follower-sync";
import type { OaService } from "./modules/oa/service";
import { loyaltyRoutes } from "./modules/loyalty/routes";
import { voucherRoutes } from "./modules/vouchers/routes";
import { gameRoutes } from "./modules/games/routes";
import { messagingRoutes } from "./modules/messaging/routes";
import { menuRoutes } from "./modules/menu/routes";
import { orderRoutes } from "./modules/orders/routes";
import { segmentRoutes } from "./modules/segments/routes";
import { paymentRoutes } from "./modules/payments/routes";
import type { PaymentService } from "./modules/payments/service";
import { timelineRoutes } from "./modules/timeline/routes";
import { inboxRoutes } from "./modules/inbox/routes";
import { dashboardRoutes } from "./modules/dashboard/routes";
import { autoReplyRoutes } from "./modules/auto-replies/routes";
import type { AutoReplyService } from "./modules/auto-replies/service";
import { buildContainer } from "./container";
import { rowRateLimitStore } from "./modules/rate-limits/ip-store";
import { automationRoutes } from "./modules/automations/routes";
import { cartRoutes } from "./modules/carts/routes";
import { ratingRoutes } from "./modules/ratings/routes";
import type { AutomationService } from "./modules/automations/service";
import type { TimerWorker } from "./modules/automations/timers";
import type { Dispatcher } from "./modules/messaging/dispatcher";
import type { MessagingService } from "./modules/messaging/service";
import type { ExpiringScan } from "./modules/automations/expiring-scan";
import type { DailyScans } from "./modules/automations/daily-scans";
import type { DashboardService } from "./modules/dashboard/service";

export type BuildOptions = {
  config: Config;
  /** Injectable clock: tests move time instead of sleeping. */
  now?: () => number;
  logger?: boolean;
};

export type AppServices = {
  db: Db;
  zalo: ZaloClient;
  messaging: MessagingService;
  dispatcher: Dispatcher;
  dashboard: DashboardService;
  autoReplies: AutoReplyService;
  /** Zalo's OA events (what the webhook route hands on). */
  oa: OaService;
  automations: AutomationService;
  automationTimers: TimerWorker;
  expiringScan: ExpiringScan;
  dailyScans: DailyScans;
  payments: PaymentService;
  followerSync: FollowerSync;
};

declare module "fastify" {
  interface FastifyInstance {
    services: AppServices;
  }
}

/** Trust the nearest `n` hops (proxy-addr's hop count; fastify's types take it as a function). */
const hops = (n: number) => (_addr: string, i: number) => i < n;

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Builds the whole API without listening: main.ts listens, tests use app.inject(). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  refuseUnsupportedDatabase(config);
  const now = opts.now ?? Date.now;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: ["req.headers.authorization", "req.headers.access_token", "req.headers.secret_key", 'req.headers["x-zevent-signature"]'],
          },
    genReqId: () => randomUUID(),
    frameworkErrors,
    // Only the configured reverse proxies may say who the client is: every per-IP limit keys on req.ip.
    trustProxy: typeof config.TRUST_PROXY === "number" ? hops(config.TRUST_PROXY) : config.TRUST_PROXY,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate("mcConfig", config);

  const db = openDb(config.DATABASE_PATH);
  const stopCheckpoints = startCheckpoints(db, { onError: (err) => app.log.error({ err }, "WAL checkpointer stopped") });
  app.addHook("onClose", async () => {
    await stopCheckpoints();
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    db.$client.close();
  });

  const c = buildContainer({ config, db, now, log: app.log, issueToken: (p) => app.issueToken(p), process: "api" });

  const extraOrigins = config.CORS_ORIGINS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Any localhost page may call the API only while developing: in production a local page is anyone's.
  const localOk = config.NODE_ENV !== "production";
  await app.register(cors, {
    origin: (origin, cb) => cb(null, !origin || origin === "https://h5.zdn.vn" || (localOk && LOCAL_ORIGIN.test(origin)) || extraOrigins.includes(origin)),
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
  });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    // With RATE_LIMIT_SHARED, counted in rate_buckets for every API process on the database (an in-memory database
    // has no one to share with); else in this process's memory, as one process on a SQLite file usually is.
    store:
      config.RATE_LIMIT_SHARED && !db.$client.memory
        ? rowRateLimitStore(c.rateBuckets, (err) => app.log.error({ err }, "rate_buckets prune failed"))
        : undefined,
    errorResponseBuilder: () => new AppError(ErrorCode.RATE_LIMITED, "Too many requests: slow down"),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: "Master Channel API", version: "0.1.0", description: "Zalo OA + Mini App + warm CRM" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
  });
  // The route map is a reconnaissance gift: served only where DOCS_ENABLED says (off in production by default).
  if (config.DOCS_ENABLED) await app.register(swaggerUi, { routePrefix: "/docs" });

  const {
    zalo,
    identity,
    loyalty,
    vouchers,
    messaging,
    dispatcher,
    segments,
    games,
    menu,
    orders,
    payments,
    oa,
    admin,
    customers,
    stores,
    notes,
    timeline,
    dashboard,
  } = c;
  app.decorate("services", {
    db,
    zalo,
    messaging,
    dispatcher,
    dashboard,
    autoReplies: c.autoReplies,
    oa: c.oa,
    automations: c.automations,
    automationTimers: c.automationTimers,
    expiringScan: c.expiringScan,
    dailyScans: c.dailyScans,
    payments,
    followerSync: c.followerSync,
  });

  await app.register(authPlugin, {
    config,
    loadPrincipal: (claims) => (claims.kind === "operator" ? admin.loadOperator(claims) : identity.loadPrincipal(claims)),
  });
  installErrorHandler(app);

  const health = healthRoutes(app, db);
  domainVerificationRoute(app, config);
  await app.register(identityRoutes, { identity, loyalty });
  await app.register(loyaltyRoutes, { loyalty });
  await app.register(voucherRoutes, { vouchers });
  await app.register(adminRoutes, { admin, audit: c.auditLog });
  await app.register(customerRoutes, { customers, list: c.customerList, profiles: c.customerProfiles });
  await app.register(staffGrantRoutes, { staff: c.staffGrants });
  await app.register(storeRoutes, { stores });
  await app.register(gameRoutes, { games });
  await app.register(messagingRoutes, { messaging, dispatcher });
  await app.register(oaWebhookRoutes, { oa });
  await app.register(oaConnectRoutes, { connect: c.oaConnect, consoleUrl: config.CONSOLE_URL });
  await app.register(followerSyncRoutes, { sync: c.followerSync });
  // A page in flight finishes (its cursor saved) before the database closes; the rest resumes at the next start.
  app.addHook("onClose", async () => c.followerSync.stop());
  await app.register(menuRoutes, { menu });
  await app.register(orderRoutes, { orders });
  await app.register(segmentRoutes, { segments });
  await app.register(paymentRoutes, { payments, orders });
  await app.register(timelineRoutes, { timeline, notes, staff: c.staffTimeline });
  await app.register(inboxRoutes, {
    inbox: c.inbox,
    feed: c.inboxFeed,
    storeExists: c.storeExists,
    loadPrincipal: (claims) => (claims.kind === "operator" ? admin.loadOperator(claims) : identity.loadPrincipal(claims)),
    now,
  });
  await app.register(dashboardRoutes, { dashboard });
  await app.register(autoReplyRoutes, { autoReplies: c.autoReplies });
  await app.register(automationRoutes, { automations: c.automations });
  await app.register(cartRoutes, { carts: c.carts });
  await app.register(ratingRoutes, { ratings: c.ratings });

  await admin.bootstrap(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  // Points expiry, the keep-warm floor, Checkout reports, the dashboard's fill (DASHBOARD_JOB_ENABLED): once per
  // cluster, whichever instances run (job leases).
  app.addHook("onReady", async () => c.jobs.start(c.periodicJobs));
  app.addHook("onClose", async () => c.jobs.stop());
  // Rows written before the CRM's search key existed get theirs (in slices; one index seek when none lack it).
  app.addHook("onReady", async () => {
    c.customerRepo.fillSearchKeys().catch((err) => app.log.error({ err }, "filling customers' search keys failed"));
  });
  // A broadcast plan a stopped process left half-written carries on from its progress mark (in slices).
  app.addHook("onReady", async () => {
    messaging.resumePlans().catch((err) => app.log.error({ err }, "resuming broadcast plans failed"));
  });
  if (config.DISPATCHER_ENABLED) {
    app.addHook("onReady", async () => dispatcher.start());
    app.addHook("onClose", async () => dispatcher.stop());
    // The automations' due timers run where the dispatcher does (here, or in dispatcher-main.ts).
    app.addHook("onReady", async () => c.automationTimers.start());
    app.addHook("onClose", async () => c.automationTimers.stop());
  }
  app.addHook("onReady", async () => health.started());
  return app;
}
