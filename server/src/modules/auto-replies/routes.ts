import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type AutoReplyIntent, AutoReplyRuleInput, AutoReplyRuleView } from "@mc/shared";
import { me } from "../../http/route-helpers";
import { actorOf } from "../../lib/audit";
import type { AutoReplyService } from "./service";

/** The console's auto-reply rules: owners and marketers (the same people as the warming rules). */
export async function autoReplyRoutes(app: FastifyInstance, opts: { autoReplies: AutoReplyService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { autoReplies } = opts;

  r.get(
    "/api/admin/auto-replies",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "The auto-reply rules: each intent's keywords, priority and switch",
        response: { 200: z.object({ rules: z.array(AutoReplyRuleView) }) },
      },
    },
    async () => ({ rules: await autoReplies.list() }),
  );

  r.put(
    "/api/admin/auto-replies/:intent",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Saves one intent's rule (keywords, priority, on or off); audited as auto_reply.set",
        // Any name: an intent with no rule is a 404 (NOT_FOUND), as any other unknown record.
        params: z.object({ intent: z.string().min(1).max(32) }),
        body: AutoReplyRuleInput,
        response: { 200: z.object({ rule: AutoReplyRuleView }) },
      },
    },
    async (req) => ({ rule: await autoReplies.save(actorOf(me(req)), req.params.intent as AutoReplyIntent, req.body) }),
  );
}
