import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { closeOnSignals } from "./shutdown";

try {
  const config = loadConfig();
  const app = await buildApp({ config });
  await app.listen({ port: config.PORT, host: config.HOST });
  // Graceful: /ready turns 503, the requests in flight finish, leases are handed back, the database closes.
  closeOnSignals(app, config.SHUTDOWN_DRAIN_MS);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}
