// `pnpm start`: the whole product on this machine, no accounts and no services needed.
import { DEMO_ADMIN, startStack } from "../tests/support/stack";

const stack = await startStack({
  apiPort: Number(process.env.PORT ?? 3000),
  emulatorPort: Number(process.env.EMULATOR_PORT ?? 7070),
  webPort: Number(process.env.WEB_PORT ?? 5173),
  databasePath: process.env.DATABASE_PATH ?? "./data/master-channel.db",
  host: "localhost",
  seed: true,
  logLevel: (process.env.LOG_LEVEL as "info" | "warn" | undefined) ?? "warn",
});

console.log(`
  Master Channel demo is running

  Mini app (open in a browser)   ${stack.webUrl}
    personas: ?persona=shopper | staff | admin (or switch in Tài khoản)
  API + OpenAPI docs             ${stack.apiUrl}/docs
  Zalo emulator                  ${stack.emulatorUrl}/_emu/state
  Web console admin              ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}

  Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stack.close().then(() => process.exit(0)));
}
