import type { FastifyInstance } from "fastify";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";
import { verifyWebhook } from "../../zalo/signature";
import type { OaService } from "./service";

/** Zalo's webhooks. The signature is checked on the raw bytes before anything reads the body. */
export async function oaWebhookRoutes(app: FastifyInstance, opts: { oa: OaService }) {
  // Keep the raw bytes: the MAC covers them exactly, and re-serialised JSON would not match.
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  app.post(
    "/webhooks/zalo",
    {
      config: { access: "webhook", rateLimit: false },
      schema: { tags: ["webhooks"], summary: "Zalo OA and ZNS events (signed with X-ZEvent-Signature)", hide: false },
    },
    async (req) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyWebhook({
        rawBody: raw,
        header: req.headers["x-zevent-signature"] as string | undefined,
        appId: app.mcConfig.ZALO_APP_ID,
        oaSecretKey: app.mcConfig.ZALO_OA_SECRET_KEY,
      });
      if (!check.ok) {
        req.log.warn({ reason: check.reason }, "rejected webhook");
        throw new AppError(ErrorCode.WEBHOOK_SIGNATURE_INVALID, `Webhook rejected: ${check.reason}`);
      }
      if (typeof check.body.event_name !== "string") throw new AppError(ErrorCode.WEBHOOK_PAYLOAD_INVALID, "event_name is missing");
      const { duplicate, stale } = opts.oa.handleEvent(check.body);
      if (stale) req.log.info({ event: check.body.event_name }, "stale webhook event stored, not applied");
      return { ok: true, duplicate };
    },
  );
}
