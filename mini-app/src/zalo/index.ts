// The one entry point to Zalo for the rest of the app. `@zalo-impl` is a build-time alias (vite.config.ts).
export { zalo } from "@zalo-impl";
export { ZaloError, type ZaloAdapter, type ZaloUserInfo, type DemoPersona, type CheckoutOrderParams } from "./adapter";
