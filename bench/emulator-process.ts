/** The Zalo emulator in its own process for the dispatcher benchmark, with BENCH_USERS followers seeded. */
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { TEST_ENV } from "@mc/server/test-support";

const n = Number(process.env.BENCH_USERS ?? 0);
const emu = await buildEmulator({
  ...emulatorOptionsFromEnv(TEST_ENV),
  dailyQuota: 10_000_000,
  znsReceiptDelayMs: null,
  logger: false,
});
const now = emu.clock.now();
for (let i = 0; i < n; i++) {
  const appUserId = `7700${String(i).padStart(12, "0")}`;
  emu.state.users.set(appUserId, {
    appUserId,
    oaUserId: `8800${String(i).padStart(12, "0")}`,
    name: `Khách ${i}`,
    avatar: "",
    phone: `8490${String(i).padStart(7, "0")}`,
    follower: true,
    lastInteractionAt: now,
    isAdmin: false,
    userInfoConsent: true,
  });
}
const url = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
process.send!({ type: "ready", url, now });
process.on("message", (m: { type: string }) => {
  if (m.type === "count") process.send!({ type: "count", messages: emu.state.messages.length });
  if (m.type === "stop") void emu.app.close().then(() => process.exit(0));
});
