import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorCode, FollowerSyncView } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { FollowerSync } from "./follower-sync";
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
      const { duplicate, stale } = await opts.oa.receive(check.body);
      if (stale) req.log.info({ event: check.body.event_name }, "stale webhook event stored, not applied");
      return { ok: true, duplicate };
    },
  );
}

/** The admin's follower sync (owners and marketers: it changes who counts as a follower, not money). */
export async function followerSyncRoutes(app: FastifyInstance, opts: { sync: FollowerSync }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const answer = { 200: z.object({ sync: FollowerSyncView.nullable() }) };
  r.get(
    "/api/admin/oa/follower-sync",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], summary: "The latest follower sync and its progress", response: answer } },
    async () => ({ sync: await opts.sync.current() }),
  );
  r.post(
    "/api/admin/oa/follower-sync",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Start the follower sync (or resume a stopped one); it runs in the background",
        response: { 202: z.object({ sync: FollowerSyncView }) },
      },
    },
    async (req, reply) => reply.status(202).send({ sync: await opts.sync.start(me(req)) }),
  );
}
