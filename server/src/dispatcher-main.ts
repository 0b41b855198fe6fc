// The dispatcher as its own process (`pnpm --filter @mc/server dispatcher`), beside an API started with
// DISPATCHER_ENABLED=false. Both share the SQLite file; leases keep them from sending a row twice. The
// object graph is the API's own (container.ts), so the two processes can never be wired differently.
import { ConfigError, loadConfig, refuseUnsupportedDatabase } from "./config";
import { openDb, startCheckpoints } from "./db/client";
import { buildContainer } from "./container";

try {
  const config = loadConfig();
  refuseUnsupportedDatabase(config);
  const db = openDb(config.DATABASE_PATH);
  const stopCheckpoints = startCheckpoints(db);
  const log = {
    info: (o: object, m?: string) => console.log(JSON.stringify({ level: "info", msg: m, ...o })),
    warn: (o: object, m?: string) => console.warn(JSON.stringify({ level: "warn", msg: m, ...o })),
    error: (o: object, m?: string) => console.error(JSON.stringify({ level: "error", msg: m, ...o })),
  };
  const noSessions = () => {
    throw new Error("the dispatcher process signs no session tokens");
  };
  const { dispatcher, automationTimers, jobs } = buildContainer({ config, db, now: Date.now, log, issueToken: noSessions, process: "dispatcher" });
  dispatcher.start();
  automationTimers.start();
  log.info({ owner: dispatcher.owner }, "dispatcher started");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      // Sends in flight finish, then every claimed row and job lease is handed back for another process to take.
      void Promise.all([dispatcher.stop(), automationTimers.stop().then(() => jobs.stop())])
        .then(() => stopCheckpoints())
        .then(() => {
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
