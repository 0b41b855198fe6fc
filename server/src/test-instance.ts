/**
 * One API instance in its own process, for tests that run several on one database file (each process has
 * its own SQLite connection, so races between them are real). Configured by the environment like main.ts;
 * tells its parent its URL over IPC and closes cleanly on "stop".
 */
import { buildApp } from "./app";
import { loadConfig } from "./config";
import { closeOnSignals } from "./shutdown";

const config = loadConfig();
const app = await buildApp({ config, logger: false });
const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
process.send!({ type: "ready", url });
const stop = () =>
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on("message", (m) => m === "stop" && stop());
// SIGTERM as in production (main.ts): drain, then close.
closeOnSignals(app, config.SHUTDOWN_DRAIN_MS);
process.on("disconnect", stop);
