// The dispatcher as its own process (`pnpm --filter @mc/server dispatcher`), beside an API started with
// DISPATCHER_ENABLED=false. Both share the SQLite file; leases keep them from sending a row twice.
import { ConfigError, loadConfig } from "./config";
import { openDb, startCheckpoints } from "./db/client";
import { createZaloClient } from "./zalo/client";
import { oaTokenStore } from "./zalo/token-store";
import { createMessagingRepo } from "./modules/messaging/repo";
import { createDispatcher } from "./modules/messaging/dispatcher";

try {
  const config = loadConfig();
  const db = openDb(config.DATABASE_PATH);
  startCheckpoints(db);
  const now = Date.now;
  const zalo = createZaloClient({ config, tokens: oaTokenStore(db, config, now), now });
  const log = {
    info: (o: object, m?: string) => console.log(JSON.stringify({ level: "info", msg: m, ...o })),
    warn: (o: object, m?: string) => console.warn(JSON.stringify({ level: "warn", msg: m, ...o })),
    error: (o: object, m?: string) => console.error(JSON.stringify({ level: "error", msg: m, ...o })),
  };
  const dispatcher = createDispatcher({
    db,
    repo: createMessagingRepo(db, { timeZone: config.SHOP_TIME_ZONE }),
    zalo,
    now,
    log,
    options: { ratePerSecond: config.DISPATCH_RATE_PER_SECOND, concurrency: config.DISPATCH_CONCURRENCY, receiptGraceMs: config.DISPATCH_RECEIPT_GRACE_MS, leaseMs: config.DISPATCH_LEASE_MS, conversationListsTemplates: config.ZALO_CONVERSATION_LISTS_TEMPLATES },
  });
  dispatcher.start();
  log.info({ owner: dispatcher.owner }, "dispatcher started");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void dispatcher.stop().then(() => {
        db.$client.close();
        process.exit(0);
      });
    });
  }
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}
