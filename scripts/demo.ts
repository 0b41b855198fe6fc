// `pnpm start`: the whole product on this machine, no accounts and no services needed.
import { rmSync } from "node:fs";
import { DEMO_ADMIN, startStack } from "../tests/support/stack";

const databasePath = process.env.DATABASE_PATH ?? "./data/master-channel.db";
// `pnpm start --fresh`: start over. The menu's pictures live in the database (menu_images), so its files are all.
const fresh = process.argv.includes("--fresh");
if (fresh && databasePath !== ":memory:") for (const suffix of ["", "-wal", "-shm"]) rmSync(`${databasePath}${suffix}`, { force: true });

const stack = await startStack({
  apiPort: Number(process.env.PORT ?? 3000),
  emulatorPort: Number(process.env.EMULATOR_PORT ?? 7070),
  webPort: Number(process.env.WEB_PORT ?? 5173),
  consolePort: Number(process.env.CONSOLE_PORT ?? 5174),
  databasePath,
  host: "localhost",
  seed: true,
  // The demo's stores keep real hours (07:00–22:00); the tests' stores are open all day.
  demoHours: true,
  // The demo's history (a few hundred customers, 60 days), written on the first start; DEMO_HISTORY=0 leaves it out.
  history: process.env.DEMO_HISTORY !== "0",
  // The demo menu (15 products with pictures) even without the history; kept if the shop has a menu already.
  menu: true,
  logLevel: (process.env.LOG_LEVEL as "info" | "warn" | undefined) ?? "warn",
});

const h = stack.history;
const historyLine =
  h === null
    ? "off (DEMO_HISTORY=0)"
    : h.skipped !== null
      ? `kept (${h.skipped})`
      : `${h.customers} customers over ${h.days} days, written in ${(h.ms / 1000).toFixed(1)} s`;

console.log(`
  Master Channel demo is running

  Mini app (open in a browser)   ${stack.webUrl}
    personas: ?persona=shopper | staff | admin (or switch in Tài khoản)
  API + OpenAPI docs             ${stack.apiUrl}/docs
  Zalo emulator                  ${stack.emulatorUrl}/_emu/state
  Web console                    ${stack.consoleUrl}
    sign in as                   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}
  Demo history                   ${historyLine}${fresh ? "\n  Started over (--fresh)         the demo database was deleted first" : ""}

  Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stack.close().then(() => process.exit(0)));
}
