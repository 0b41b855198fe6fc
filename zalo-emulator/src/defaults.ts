/** Dev defaults, shared by main.ts, the demo launcher and tests (env-variable names as keys). */
export const DEV_DEFAULTS = {
  EMULATOR_PORT: "7070",
  ZALO_APP_ID: "4318000000000000001",
  // A different number from the Zalo App ID, as on the platform (zalo-platform.md §1.11), so mixing them fails.
  ZALO_MINI_APP_ID: "2754000000000000002",
  ZALO_APP_SECRET: "dev-app-secret-0001",
  ZALO_OA_ID: "3886000000000000001",
  ZALO_OA_SECRET_KEY: "dev-oa-secret-key-0001",
  ZALO_OA_ACCESS_TOKEN: "dev-oa-access-token-0001",
  ZALO_OA_REFRESH_TOKEN: "dev-oa-refresh-token-0001",
  ZALO_CHECKOUT_PRIVATE_KEY: "dev-checkout-private-key-0001",
  EMULATOR_WEBHOOK_URL: "http://127.0.0.1:3000/webhooks/zalo",
  EMULATOR_CHECKOUT_CALLBACK_URL: "http://127.0.0.1:3000/webhooks/zalo-checkout/callback",
  EMULATOR_CHECKOUT_NOTIFY_URL: "http://127.0.0.1:3000/webhooks/zalo-checkout/notify",
} as const;
