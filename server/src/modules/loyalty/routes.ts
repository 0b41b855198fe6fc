import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AdjustPointsBody, AwardPointsBody, LedgerEntry, LoyaltyRules, RulesChange } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { LoyaltyService } from "./service";

/** What the counter sees of a member found by code: a shortened name, the avatar and the tier. */
const Member = z.object({ name: z.string(), avatar: z.string().nullable(), tier: z.object({ key: z.string(), name: z.string(), multiplier: z.number() }) });

/** One saved version of the rules: who saved it (`kind:id`, and their name), when, and what it changed. */
const RulesVersion = z.object({
  version: z.number(),
  changedBy: z.string(),
  changedByName: z.string().nullable(),
  createdAt: z.number(),
  rules: LoyaltyRules,
  changes: z.array(RulesChange),
});

export async function loyaltyRoutes(app: FastifyInstance, opts: { loyalty: LoyaltyService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { loyalty } = opts;

  r.get(
    "/api/me/points",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["loyalty"],
        summary: "My points history, newest first",
        querystring: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(100).default(30) }),
        response: { 200: z.object({ entries: z.array(LedgerEntry), nextBefore: z.number().nullable() }) },
      },
    },
    async (req) => loyalty.history(me(req).id, req.query.before, req.query.limit),
  );

  r.get(
    "/api/staff/members/:code",
    {
      config: { access: "staff", scope: "any" },
      schema: {
        tags: ["staff"],
        summary: "Who a member code belongs to",
        params: z.object({ code: z.string().min(4).max(64) }),
        response: { 200: z.object({ member: Member }) },
      },
    },
    async (req) => ({ member: await loyalty.previewMember(req.params.code) }),
  );

  r.post(
    "/api/staff/points/award",
    {
      config: { access: "staff", scope: { store: "body" } },
      schema: {
        tags: ["staff"],
        summary: "Award points for a counter purchase (once per receipt)",
        body: AwardPointsBody,
        response: {
          200: z.object({
            member: z.object({ id: z.string(), name: z.string() }),
            points: z.number(),
            balance: z.number(),
            duplicate: z.boolean(),
            entry: LedgerEntry,
          }),
        },
      },
    },
    async (req) => loyalty.award({ actor: me(req), ...req.body }),
  );

  r.post(
    "/api/admin/customers/:id/points/adjust",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Manual points adjustment with a reason (audited)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: AdjustPointsBody,
        response: { 200: z.object({ entry: LedgerEntry, balance: z.number(), duplicate: z.boolean() }) },
      },
    },
    async (req) => loyalty.adjust({ actor: me(req), customerId: req.params.id, ...req.body }),
  );

  // Marketers read the rules (the tiers name their segments and filters); only owners change them.
  r.get(
    "/api/admin/loyalty/rules",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "The rules in force, and the last saved versions: who, when, what changed",
        response: { 200: z.object({ version: z.number(), rules: LoyaltyRules, history: z.array(RulesVersion) }) },
      },
    },
    async () => ({ ...(await loyalty.rules()), history: (await loyalty.ruleHistory({ limit: 20 })).versions }),
  );

  r.get(
    "/api/admin/loyalty/rules/versions",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Every saved version of the rules, newest first, in pages: who saved it, when, its rules and what changed",
        querystring: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ versions: z.array(RulesVersion), nextBefore: z.number().nullable() }) },
      },
    },
    async (req) => loyalty.ruleHistory(req.query),
  );

  r.put(
    "/api/admin/loyalty/rules",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Earning rule, tiers and expiry: a new version, checked whole (all or nothing), audited with what changed",
        body: LoyaltyRules,
        response: { 200: z.object({ version: z.number(), rules: LoyaltyRules, changes: z.array(RulesChange) }) },
      },
    },
    async (req) => loyalty.setRules(me(req), req.body),
  );

  r.post(
    "/api/admin/jobs/expire-points",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], summary: "Run the points expiry job now (it also runs hourly)", response: { 200: z.object({ expired: z.number() }) } },
    },
    async () => loyalty.expireDue(),
  );
}
