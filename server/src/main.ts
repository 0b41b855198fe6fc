import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";

try {
  const config = loadConfig();
  const app = await buildApp({ config });
  await app.listen({ port: config.PORT, host: config.HOST });
  // Graceful: stop taking requests, finish the ones in flight, close the database.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, "shutting down");
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}
