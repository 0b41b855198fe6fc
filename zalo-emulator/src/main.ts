import { pathToFileURL } from "node:url";
import { buildEmulator } from "./app";
import { DEV_DEFAULTS } from "./defaults";

export { DEV_DEFAULTS };

/** Starts the emulator on 127.0.0.1 from the environment, with dev defaults for anything unset. */
export async function start(env: Record<string, string | undefined> = process.env) {
  const get = (k: keyof typeof DEV_DEFAULTS) => env[k] || DEV_DEFAULTS[k];
  const retry = env.EMULATOR_RETRY_SCHEDULE?.split(",").map(Number).filter(Number.isFinite);
  const { app } = await buildEmulator({
    appId: get("ZALO_APP_ID"),
    miniAppId: get("ZALO_MINI_APP_ID"),
    appSecret: get("ZALO_APP_SECRET"),
    oaId: get("ZALO_OA_ID"),
    oaSecretKey: get("ZALO_OA_SECRET_KEY"),
    oaAccessToken: get("ZALO_OA_ACCESS_TOKEN"),
    oaRefreshToken: get("ZALO_OA_REFRESH_TOKEN"),
    webhookUrl: get("EMULATOR_WEBHOOK_URL"),
    checkoutPrivateKey: get("ZALO_CHECKOUT_PRIVATE_KEY"),
    checkoutCallbackUrl: get("EMULATOR_CHECKOUT_CALLBACK_URL"),
    checkoutNotifyUrl: get("EMULATOR_CHECKOUT_NOTIFY_URL"),
    retrySchedule: retry?.length ? retry : [1000, 5000, 30_000],
    logger: env.EMULATOR_LOG === "1",
  });
  const port = Number(get("EMULATOR_PORT"));
  await app.listen({ host: "127.0.0.1", port });
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await start();
  console.log(`zalo-emulator listening on ${app.listeningOrigin}`);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      void app.close().then(() => process.exit(0));
    });
  }
}
