// The object graph, built once for every entry point (the API in app.ts, the standalone dispatcher in
// dispatcher-main.ts): each service gets its narrow dependencies here and nowhere else.
import type { Config } from "./config";
import type { TokenClaims } from "./http/auth";
import type { Db } from "./db/client";
import { createZaloClient } from "./zalo/client";
import { oaTokenStore } from "./zalo/token-store";
import { createAppRateLimiter } from "./zalo/rate-limit";
import { createRateBucketRepo } from "./modules/rate-limits/repo";
import { createSharedRateLimiter } from "./modules/rate-limits/zalo-schedule";
import { createIdentityRepo } from "./modules/identity/repo";
import { createCustomerRepo } from "./modules/customers/repo";
import { createCustomerService } from "./modules/customers/service";
import { createCustomerListRepo } from "./modules/customers/list-repo";
import { createCustomerList } from "./modules/customers/list";
import { createCustomerAccess, createCustomerProfiles } from "./modules/customers/profile";
import { createStoreRepo } from "./modules/stores/repo";
import { createStoreService } from "./modules/stores/service";
import { createIdentityService } from "./modules/identity/service";
import { createAdminRepo } from "./modules/admin/repo";
import { createAdminService } from "./modules/admin/service";
import { createAuditRepo } from "./modules/admin/audit-repo";
import { createAuditLog } from "./modules/admin/audit-log";
import { createOaRepo } from "./modules/oa/repo";
import { createOaService } from "./modules/oa/service";
import { createOaConnect } from "./modules/oa/connect";
import { createConnectRepo } from "./modules/oa/connect-repo";
import { createFollowerSync } from "./modules/oa/follower-sync";
import { createFollowerSyncRepo } from "./modules/oa/sync-repo";
import { createLoyaltyRepo } from "./modules/loyalty/repo";
import { createLoyaltyService } from "./modules/loyalty/service";
import { createVoucherRepo } from "./modules/vouchers/repo";
import { createVoucherService } from "./modules/vouchers/service";
import { createSigner } from "./lib/signed-token";
import { createGameRepo } from "./modules/games/repo";
import { createGameService } from "./modules/games/service";
import { createLinkSigner } from "./modules/games/links";
import { createMessagingRepo } from "./modules/messaging/repo";
import { createMessagingService } from "./modules/messaging/service";
import { createDispatcher } from "./modules/messaging/dispatcher";
import { createInboxRepo } from "./modules/inbox/repo";
import { createSharedInfo } from "./modules/customers/shared-info";
import { createInboxService } from "./modules/inbox/service";
import { createCannedRepo } from "./modules/inbox/canned-repo";
import { createInboxFeed } from "./modules/inbox/live";
import { createChangeWatch } from "./db/change-watch";
import { mapStep, q, sqliteStore, syncStep, syncView } from "./db/store";
import { createMenuRepo } from "./modules/menu/repo";
import { createMenuService } from "./modules/menu/service";
import { createOrderRepo } from "./modules/orders/repo";
import { createOrderService } from "./modules/orders/service";
import { createSegmentRepo } from "./modules/segments/repo";
import { createSegmentService } from "./modules/segments/service";
import { createPaymentRepo } from "./modules/payments/repo";
import { createPaymentService } from "./modules/payments/service";
import { createNotesRepo } from "./modules/customers/notes-repo";
import { createNotesService } from "./modules/customers/notes";
import { createStaffGrants } from "./modules/customers/staff-grants";
import { createTimelineService } from "./modules/timeline/service";
import { createStaffTimeline } from "./modules/timeline/staff";
import { createDashboardRepo } from "./modules/dashboard/repo";
import { createDashboardService } from "./modules/dashboard/service";
import { createAutoReplyRepo } from "./modules/auto-replies/repo";
import { createAutoReplyService } from "./modules/auto-replies/service";
import { createAutomationRepo } from "./modules/automations/repo";
import { createAutomationService } from "./modules/automations/service";
import { createTimerWorker } from "./modules/automations/timers";
import { createExpiringScan } from "./modules/automations/expiring-scan";
import { createCartRepo } from "./modules/carts/repo";
import { createCartService } from "./modules/carts/service";
import { createDailyScans } from "./modules/automations/daily-scans";
import { createAutomationHistoryRepo } from "./modules/automations/history-repo";
import { createWhatIf } from "./modules/automations/what-if";
import { createRatingRepo } from "./modules/ratings/repo";
import { createRatingService } from "./modules/ratings/service";
import { ratingDeepLink } from "@mc/shared";
import { slicedJob } from "./modules/jobs/sliced";
import { createJobLeaseRepo } from "./modules/jobs/repo";
import { createClusterJobs, type ClusterJob } from "./modules/jobs/cluster-jobs";

type Log = { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };

export type ContainerOptions = {
  config: Config;
  db: Db;
  now: () => number;
  log: Log;
  /** Signs a session token (the API's @fastify/jwt); the dispatcher process signs none. */
  issueToken: (p: TokenClaims) => string;
  /** Which process this is: the in-API dispatcher claims smaller batches (it shares the request thread). */
  process: "api" | "dispatcher";
  /** The games' draw RNG (node:crypto by default); the demo history generator pins it to its seeded PRNG. */
  randomInt?: (max: number) => number;
};

export function buildContainer(o: ContainerOptions) {
  const { config, db, now } = o;
  // The one store on this database (docs/database-layer.md). Modules ported to it get its repos as they are; the
  // others, still synchronous SQLite code, get their `syncView` (grep for it: what is left to port).
  const store = sqliteStore(db);
  const oaTokens = oaTokenStore(store, config, now);
  const rateBuckets = createRateBucketRepo(store);
  // Zalo's limit is per app: every process on the database takes from one schedule. An in-memory database is
  // this process's alone, so there is nobody to share with and the in-process limiter does (tests, the demo).
  const zaloLimiter = db.$client.memory
    ? createAppRateLimiter({ perMinute: config.ZALO_APP_RATE_PER_MINUTE })
    : createSharedRateLimiter({
        repo: rateBuckets,
        perMinute: config.ZALO_APP_RATE_PER_MINUTE,
        onError: (err) => o.log.error({ err }, "could not push Zalo's shared schedule back after a -32"),
      });
  const zalo = createZaloClient({ config, tokens: oaTokens, now, limiter: zaloLimiter });
  const customerRepoAsync = createCustomerRepo(store);
  const customerRepo = syncView(store, customerRepoAsync);
  const storeRepoAsync = createStoreRepo(store);
  const storeRepo = syncView(store, storeRepoAsync);
  const stores = createStoreService({ db, repo: storeRepo, now, timeZone: config.SHOP_TIME_ZONE });
  // Every module that reads identity is ported: none takes its syncView any more.
  const identityRepoAsync = createIdentityRepo(customerRepoAsync, storeRepoAsync);
  const identity = createIdentityService({
    customers: customerRepoAsync,
    zalo,
    issueToken: o.issueToken,
    now,
    // Bound late: the oa module is built further down, after the hooks it calls.
    observeFollow: (p) => oa.observeFollowState(p),
  });
  const loyaltyRepoAsync = createLoyaltyRepo(store);
  const loyaltyRepo = syncView(store, loyaltyRepoAsync);
  const voucherRepoAsync = createVoucherRepo(store);
  const loyalty = createLoyaltyService({ store, repo: loyaltyRepoAsync, identityRepo: identityRepoAsync, now });
  const adminRepoAsync = createAdminRepo(store);
  const adminRepo = syncView(store, adminRepoAsync);
  const vouchers = createVoucherService({
    store,
    repo: voucherRepoAsync,
    loyaltyRepo: loyaltyRepoAsync,
    identityRepo: identityRepoAsync,
    operatorExists: adminRepo.exists,
    qrSigner: createSigner(config.JWT_SECRET, "voucher-qr"),
    now,
  });
  const messagingRepo = createMessagingRepo(db, { timeZone: config.SHOP_TIME_ZONE });
  const segmentsAsync = createSegmentService({
    store,
    repo: createSegmentRepo(store),
    loyaltyRepo: loyaltyRepoAsync,
    policy: () => messagingRepo.currentRules().rules,
    timeZone: config.SHOP_TIME_ZONE,
    now,
  });
  // Messaging, automations and the CRM list are not ported yet: they see the segments as SQLite does.
  const segments = syncView(store, segmentsAsync);
  const messaging = createMessagingService({ db, repo: messagingRepo, loyaltyRepo, customers: customerRepo, zalo, now, segments });
  const inboxRepoAsync = createInboxRepo(store);
  // The live feed is still synchronous SQLite code (it reads in its timer and in the stream's handler).
  const inboxRepo = syncView(store, inboxRepoAsync);
  // The live inbox reads conversation_events: this process's changes nudge it, other processes' are seen by data_version.
  const inboxFeed = createInboxFeed({
    events: { after: inboxRepo.eventsAfter, lastId: inboxRepo.lastEventId, prune: inboxRepo.pruneEvents },
    changed: createChangeWatch(db),
    now,
  });
  const inbox = createInboxService({
    store,
    repo: inboxRepoAsync,
    canned: createCannedRepo(store),
    queue: messaging.queueStep,
    now,
    events: { publish: () => inboxFeed.nudge() },
    uploadImage: zalo.uploadImage,
    contactOf: (id) => customerRepoAsync.byId(id),
    logoUrl: config.SHOP_LOGO_URL,
  });
  const dispatcher = createDispatcher({
    store: sqliteStore(db),
    repo: messagingRepo,
    zalo,
    now,
    log: o.log,
    // Steps of the dispatcher's outcome bodies (the inbox shows the send in the same transaction).
    onSent: inbox.onSent,
    onSettled: inbox.onSettled,
    options: {
      // In the API process a batch is decided in one synchronous transaction: claim about a second's worth
      // of sends (60 rows at the default rate), not 200 at a time, so requests wait less behind it.
      batchSize: o.process === "api" ? Math.min(200, Math.max(20, config.DISPATCH_RATE_PER_SECOND)) : 200,
      ratePerSecond: config.DISPATCH_RATE_PER_SECOND,
      concurrency: config.DISPATCH_CONCURRENCY,
      receiptGraceMs: config.DISPATCH_RECEIPT_GRACE_MS,
      leaseMs: config.DISPATCH_LEASE_MS,
      conversationListsTemplates: config.ZALO_CONVERSATION_LISTS_TEMPLATES,
    },
  });
  const automationRepo = createAutomationRepo(store);
  const orderTemplateId = config.ORDER_ZNS_TEMPLATE_ID;
  const automations = createAutomationService({
    store,
    repo: automationRepo,
    queue: messaging.queueStep,
    // Segments and templates are SQLite's still (synchronous reads, no writes).
    segments,
    templateExists: (id) => messagingRepo.template(id) !== undefined,
    voucherCampaign: (id) => mapStep(voucherRepoAsync.campaign(id), (c) => c ?? null),
    storeExists: storeRepoAsync.exists,
    whatIf: createWhatIf({ history: createAutomationHistoryRepo(store), segments, timeZone: config.SHOP_TIME_ZONE, now }),
    // Steps (mapStep keeps a value a value on SQLite): these run inside the fire's body.
    nameOf: (id) => mapStep(customerRepoAsync.byId(id), (c) => c?.name?.slice(0, 30) ?? null),
    // The order notices go as the configured ZNS template when it is registered (else as text, as before).
    defaultTemplate: (a) =>
      a.source === "order" && orderTemplateId && messagingRepo.template(orderTemplateId)
        ? { id: orderTemplateId, params: { customer_name: "{name}", order_code: "{code}", amount: "{amount}" } }
        : null,
    now,
  });
  const expiringScan = createExpiringScan({
    store,
    automations,
    loyalty: loyaltyRepoAsync,
    vouchers: voucherRepoAsync,
    timeZone: config.SHOP_TIME_ZONE,
    now,
  });
  // Every module that reads orders is ported: none takes its syncView any more.
  const orderRepoAsync = createOrderRepo(store);
  const dailyScans = createDailyScans({
    store,
    automations,
    customers: customerRepoAsync,
    orders: orderRepoAsync,
    vouchers: { issue: vouchers.issue, campaignName: (id) => mapStep(voucherRepoAsync.campaign(id), (c) => c?.name ?? null) },
    segments,
    timeZone: config.SHOP_TIME_ZONE,
    now,
    log: o.log,
  });
  // Leases read the wall clock, never `now` (cluster-jobs.ts says why): other processes compare them.
  const jobs = createClusterJobs({ repo: createJobLeaseRepo(store), log: o.log, leaseMs: config.JOB_LEASE_MS });
  const automationTimers = createTimerWorker({
    store,
    repo: automationRepo,
    fire: automations.fire,
    // Hourly across the cluster (a job lease): the expiring reminders; the birthday and win-back scans run once
    // a local day inside it. Every timer worker looks each minute; the one that takes the lease runs it.
    scan: () =>
      jobs.runIfDue({
        name: "automation-scans",
        everyMs: 3_600_000,
        runAtStart: true,
        run: async () => ({ ...(await expiringScan.run()), ...(await dailyScans.run()) }),
      }),
    now,
    log: o.log,
    // In the API process, smaller chunks: each is one synchronous transaction on the request thread.
    options: { chunkSize: o.process === "api" ? 25 : 100, leaseMs: config.DISPATCH_LEASE_MS, scanEveryMs: 60_000 },
  });
  const games = createGameService({
    store,
    repo: createGameRepo(store),
    vouchers,
    loyaltyRepo: loyaltyRepoAsync,
    identityRepo: identityRepoAsync,
    links: createLinkSigner(config.JWT_SECRET, config.ZALO_MINI_APP_ID),
    now,
    timeZone: config.SHOP_TIME_ZONE,
    notify: messaging.queue,
    randomInt: o.randomInt,
  });
  const menu = createMenuService({ store, repo: createMenuRepo(store), identityRepo: identityRepoAsync, vouchers, now });
  // The abandoned-cart recipe's link reopens the cart in the mini app (the id the other deep links use).
  const carts = createCartService({
    store,
    repo: createCartRepo(store),
    menu,
    storeName: async (id) => (await storeRepoAsync.byId(id))?.name ?? null,
    automations,
    miniAppId: config.ZALO_MINI_APP_ID,
    now,
  });
  const orders = createOrderService({
    store,
    repo: orderRepoAsync,
    identityRepo: identityRepoAsync,
    stores,
    menu,
    vouchers,
    loyaltyRepo: loyaltyRepoAsync,
    emit: automations.onEvent,
    carts,
    // The feedback recipe's {rating_link}: the mini app's rating page for this order.
    ratingLink: (orderId) => ratingDeepLink(config.ZALO_MINI_APP_ID, orderId),
    // Bound late: the payments module is made just below (it reads orders through this service).
    checkoutDue: (id) => payments.reportOne(id).catch((err) => o.log.error({ err, orderId: id }, "checkout report failed")),
    now,
  });
  const ratings = createRatingService({ store, repo: createRatingRepo(store), orders, inbox, now });
  const payments = createPaymentService({
    store,
    repo: createPaymentRepo(store),
    orders,
    orderRepo: orderRepoAsync,
    zalo,
    checkout: {
      appId: config.ZALO_MINI_APP_ID,
      privateKey: config.ZALO_CHECKOUT_PRIVATE_KEY,
      method: config.ZALO_CHECKOUT_METHOD,
      codMethod: config.ZALO_CHECKOUT_COD_METHOD,
    },
    onError: (err, orderId) => o.log.error({ err, orderId }, "checkout report failed"),
    now,
  });
  // Answers follower messages (issue #14); the mini app link is the one the games' QR codes open.
  const autoReplies = createAutoReplyService({
    store,
    repo: createAutoReplyRepo(store),
    now,
    timeZone: config.SHOP_TIME_ZONE,
    miniAppLink: `https://zalo.me/s/${config.ZALO_MINI_APP_ID}/`,
    balanceOf: loyaltyRepoAsync.balanceOf,
    lastOrder: orderRepoAsync.lastOrderOf,
    stores: stores.publicList,
    queue: messaging.queueStep,
  });
  const notesRepo = createNotesRepo(store);
  // The webhook's shared info runs inside the webhook's (synchronous) transaction: the notes repo as SQLite sees it.
  const sharedInfo = createSharedInfo({ customers: customerRepo, notes: syncView(store, notesRepo), now });
  const oa = createOaService({
    store,
    repo: createOaRepo(store),
    customers: customerRepoAsync,
    now,
    oaId: config.ZALO_OA_ID,
    // What the auto-reply cannot answer waits for a person in the inbox (the message was kept just before).
    onFollowerMessage: (m) => {
      // The oa module is synchronous SQLite code: it takes these steps' values at once.
      const outcome = syncStep(autoReplies.onFollowerMessage(m));
      if (outcome.handoff) syncStep(inbox.handOff(m.customerId));
      return outcome;
    },
    followHooks: {
      // Steps of the event's body. The automations and messaging's receipts are SQLite code still (synchronous).
      onFollow: (p) =>
        store.join(function* () {
          yield* q(games.onFollow(p));
          // A new follower's welcome is the `follow` automation (once per person: the occurrence is the person).
          // A follow read from Zalo's state is someone who followed long ago: no welcome (a sync of thousands of
          // old followers must not greet them all).
          if (p.observed) return;
          yield* q(
            automations.onEvent({
              trigger: "follow",
              customerId: p.customerId,
              occurrenceKey: p.customerId,
              vars: { welcome: messagingRepo.currentRules().rules.welcomeText },
            }),
          );
        }),
      onUnfollow: (p) =>
        store.join(function* () {
          yield* q(games.onUnfollow(p));
          messaging.onUnfollow(p.customerId, p.at);
        }),
    },
    onReceipt: (e) => {
      messaging.applyReceipt(e);
      syncStep(inbox.applyReceipt(e));
    },
    onUserMessage: (p) => syncStep(inbox.captureInbound(p.customerId, p.event, p.at)),
    onFollowerLocation: (p) => syncStep(autoReplies.onLocation(p)),
    // What the person shared when asked: their profile (customers module), then their conversation shows it.
    onSubmitInfo: (p) => {
      const shared = sharedInfo(p.customerId, p.event, p.at);
      if (shared) syncStep(inbox.captureSubmitInfo(p.customerId, shared, p.at));
    },
    onTemplateStatus: messaging.onTemplateStatus,
    onQuotaChange: messaging.onQuotaChange,
  });
  const oaConnect = createOaConnect({
    repo: createConnectRepo(store),
    tokens: oaTokens,
    zalo,
    // Bound to the owner who started it: still an active owner when Zalo sends them back (a Zalo admin counts as one).
    mayConnect: async (who) => {
      const [kind, id] = [who.slice(0, who.indexOf(":")), who.slice(who.indexOf(":") + 1)];
      if (kind === "operator") {
        const a = await adminRepoAsync.auth(id);
        return !!a && a.active && a.role === "owner";
      }
      return kind === "customer" && (await customerRepoAsync.byId(id))?.role === "admin";
    },
    config: {
      ...config,
      redirectUri: config.ZALO_OA_REDIRECT_URI ?? `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${config.PORT}/zalo/oa/callback`,
    },
    now,
  });
  const followerSync = createFollowerSync({
    store,
    repo: createFollowerSyncRepo(store),
    customers: customerRepoAsync,
    zalo,
    observeFollowState: oa.observeFollowState,
    now,
  });
  const admin = createAdminService({ store, repo: adminRepoAsync, storeExists: storeRepoAsync.exists, issueToken: o.issueToken, now });
  const notes = createNotesService({ store, repo: notesRepo, customers: customerRepoAsync, now });
  const customers = createCustomerService({
    store,
    repo: customerRepoAsync,
    timeZone: config.SHOP_TIME_ZONE,
    stores: storeRepoAsync,
    now,
    forget: {
      outbox: messagingRepo.forgetCustomer,
      timers: (id, at) => syncStep(automations.forgetCustomer(id, at)),
      webhookEvents: (ids) => syncStep(oa.forgetIds(ids)),
      notes: notes.forget,
      sessions: identity.forget,
      inbox: (id, at) => syncStep(inbox.forget(id, at)),
      carts: carts.forget,
      ratings: (id) => syncStep(ratings.forget(id)),
    },
  });
  const auditLog = createAuditLog({ repo: createAuditRepo(db), timeZone: config.SHOP_TIME_ZONE });
  const staffGrants = createStaffGrants({ store, repo: customerRepoAsync, storeExists: storeRepoAsync.exists, now });
  const timeline = createTimelineService({ db, now, timeZone: config.SHOP_TIME_ZONE, customerExists: (id) => customerRepo.byId(id) !== undefined });

  const dashboard = createDashboardService({
    repo: createDashboardRepo(store),
    timeZone: config.SHOP_TIME_ZONE,
    now,
    settleHours: config.DASHBOARD_SETTLE_HOURS,
    znsPriceVnd: config.ZNS_PRICE_VND,
  });

  // The CRM's list and profiles; `customerAccess` is the `{ customer: "visited" }` scope's check for any staff route.
  const customerListRepo = createCustomerListRepo(store);
  const customerList = createCustomerList({
    store,
    repo: customerListRepo,
    segments: segmentsAsync,
    loyaltyRepo: loyaltyRepoAsync,
    now,
    timeZone: config.SHOP_TIME_ZONE,
  });
  const customerAccess = createCustomerAccess({ customers: customerRepoAsync, segments: segmentsAsync, listRepo: customerListRepo });
  const customerProfiles = createCustomerProfiles({ customers: customerRepoAsync, loyalty, assertCanSee: customerAccess });
  const staffTimeline = createStaffTimeline({ timeline, notes, assertCanSee: customerAccess });

  /** The periodic jobs, once per cluster (job leases): whichever process runs the scheduler, each runs in one place. */
  const periodicJobs: ClusterJob[] = [
    { name: "expire-points", everyMs: 3_600_000, run: () => loyalty.expireDue() },
    { name: "keep-warm-floor", everyMs: 24 * 3_600_000, run: () => messaging.proposeFloor() },
    // COD/bank results still owed to Zalo's Checkout (a failed send, a process stopped mid-way).
    { name: "checkout-reports", everyMs: 60_000, run: () => payments.reportDue() },
  ];
  // The dashboard's settled days (hourly: a day settles once a day), stored in slices so a view reads them. A
  // stopping process ends it between two slices and hands it back: the next holder fills only what is missing.
  if (config.DASHBOARD_JOB_ENABLED)
    periodicJobs.push({
      name: "dashboard-fill",
      everyMs: 3_600_000,
      runAtStart: true,
      run: slicedJob((o) => dashboard.fill(o)),
    });

  return {
    db,
    jobs,
    periodicJobs,
    zalo,
    rateBuckets,
    identity,
    loyalty,
    vouchers,
    messaging,
    dispatcher,
    segments: segmentsAsync,
    games,
    menu,
    orders,
    carts,
    payments,
    oa,
    oaConnect,
    followerSync,
    admin,
    auditLog,
    customers,
    staffGrants,
    stores,
    notes,
    timeline,
    dashboard,
    autoReplies,
    automations,
    automationTimers,
    expiringScan,
    dailyScans,
    customerRepo,
    customerList,
    customerAccess,
    customerProfiles,
    staffTimeline,
    inbox,
    inboxFeed,
    ratings,
    storeExists: storeRepo.exists,
  };
}

export type Container = ReturnType<typeof buildContainer>;
