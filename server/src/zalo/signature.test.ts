import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { verifyWebhook, webhookMac } from "./signature";

const appId = "3608";
const secret = "oa-secret";
const raw = Buffer.from(JSON.stringify({ app_id: appId, event_name: "follow", follower: { id: "2468" }, timestamp: "1543979782740" }));
const mac = createHash("sha256").update(`${appId}${raw.toString()}1543979782740${secret}`).digest("hex");

describe("webhook signature (plain sha256 of app_id + raw body + timestamp + OA secret)", () => {
  it("matches Zalo's construction", () => expect(webhookMac(appId, raw, "1543979782740", secret)).toBe(mac));
  it("accepts a good signature", () => expect(verifyWebhook({ rawBody: raw, header: `mac=${mac}`, appId, oaSecretKey: secret }).ok).toBe(true));
  it("rejects a missing one", () =>
    expect(verifyWebhook({ rawBody: raw, header: undefined, appId, oaSecretKey: secret })).toEqual({ ok: false, reason: "missing X-ZEvent-Signature" }));
  it("rejects a wrong one", () => expect(verifyWebhook({ rawBody: raw, header: `mac=${"0".repeat(64)}`, appId, oaSecretKey: secret }).ok).toBe(false));
  it("rejects a body changed by one byte", () => {
    const tampered = Buffer.from(raw.toString().replace("2468", "2469"));
    expect(verifyWebhook({ rawBody: tampered, header: `mac=${mac}`, appId, oaSecretKey: secret }).ok).toBe(false);
  });
  it("rejects another app's event even when signed with its own id", () => {
    const other = Buffer.from(raw.toString().replace(appId, "9999"));
    const m = webhookMac("9999", other, "1543979782740", secret);
    expect(verifyWebhook({ rawBody: other, header: `mac=${m}`, appId, oaSecretKey: secret })).toMatchObject({
      ok: false,
      reason: "app_id does not match this app",
    });
  });
  it("rejects a signature made with another secret", () => {
    const m = webhookMac(appId, raw, "1543979782740", "not-the-secret");
    expect(verifyWebhook({ rawBody: raw, header: `mac=${m}`, appId, oaSecretKey: secret }).ok).toBe(false);
  });
});
