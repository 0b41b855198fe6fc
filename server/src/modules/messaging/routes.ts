import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BroadcastInput,
  CustomerPrefs,
  WarmingRules,
  WarmingState,
  ZnsTemplateImport,
  ZnsTemplateInput,
  ZnsTemplatePatch,
  ZnsTemplateView,
  normalizePhone,
  ErrorCode,
} from "@mc/shared";
import { AppError } from "../../errors";
import { me } from "../../http/route-helpers";
import type { MessagingService } from "./service";
import type { Dispatcher } from "./dispatcher";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const Prefs = z.object({ prefs: CustomerPrefs, maxOffersPerWeek: z.number().nullable() });

export async function messagingRoutes(app: FastifyInstance, opts: { messaging: MessagingService; dispatcher: Dispatcher }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { messaging } = opts;

  // ---- shopper preferences ----
  r.get(
    "/api/me/message-prefs",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["messaging"], summary: "How often I want to hear from the shop", response: { 200: Prefs } },
    },
    async (req) => messaging.prefsView(me(req).id),
  );
  r.put(
    "/api/me/message-prefs",
    { config: { access: "customer", scope: "own" }, schema: { tags: ["messaging"], body: CustomerPrefs, response: { 200: Prefs } } },
    async (req) => messaging.setPrefs(me(req).id, req.body),
  );

  // ---- a person's warming state (the CRM profile's) ----
  r.get(
    "/api/admin/customers/:id/warming",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "What may reach this person now, by which channel, and when the next promotion may go (caps, fatigue, quiet hours), in words",
        params: IdParam,
        response: { 200: z.object({ warming: WarmingState }) },
      },
    },
    async (req) => ({ warming: await messaging.warmingState(req.params.id) }),
  );

  // ---- warming rules ----
  r.get(
    "/api/admin/warming-rules",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], summary: "Rules in force and their history" } },
    async () => ({
      ...messaging.rules(),
      history: messaging.ruleHistory(),
    }),
  );
  r.put(
    "/api/admin/warming-rules",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "A new version of the rules (validated)",
        body: z.object({ rules: WarmingRules, note: z.string().max(300).optional() }).strict(),
      },
    },
    async (req) => messaging.setRules(me(req), req.body.rules, req.body.note),
  );
  r.post(
    "/api/admin/warming-rules/what-if",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags: ["admin"], summary: "Replay the last 30 days under a draft rule set", body: z.object({ rules: WarmingRules }).strict() },
    },
    async (req) => messaging.whatIf(req.body.rules),
  );

  // ---- messages Zalo made wait ----
  const Waits = z.object({ waits: z.array(z.object({ reason: z.string(), count: z.number(), nextTryAt: z.string().nullable() })) });
  r.get(
    "/api/admin/messaging/held",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags: ["admin"], summary: "Messages held by Zalo: the account's balance, a template's daily limit, night hours", response: { 200: Waits } },
    },
    async () => messaging.heldWaits(),
  );
  r.post(
    "/api/admin/messaging/held/resume",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "The Zalo Cloud Account was topped up: send what its balance held now",
        response: { 200: z.object({ resumed: z.number() }) },
      },
    },
    async (req) => messaging.resumeBalanceHeld(me(req)),
  );

  // ---- ZNS templates ----
  r.get(
    "/api/admin/zns/templates",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], response: { 200: z.object({ templates: z.array(ZnsTemplateView) }) } } },
    async () => ({ templates: messaging.templates() }),
  );
  // Registering by hand stays for templates Zalo cannot be asked about (a test OA); import is the usual way.
  r.post(
    "/api/admin/zns/templates",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], body: ZnsTemplateInput, response: { 201: ZnsTemplateView } } },
    async (req, reply) => reply.status(201).send(messaging.registerTemplate(me(req), req.body)),
  );
  r.post(
    "/api/admin/zns/templates/import",
    {
      config: { access: "admin", roles: ["marketer"], rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags: ["admin"],
        summary: "Import (or refresh) a template by its Zalo id: params, tag, status and price read from Zalo",
        body: ZnsTemplateImport,
        response: { 200: ZnsTemplateView },
      },
    },
    async (req) => messaging.importTemplate(me(req), req.body),
  );
  r.patch(
    "/api/admin/zns/templates/:id",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "The local label, or switch the template off / on here",
        params: IdParam,
        body: ZnsTemplatePatch,
        response: { 200: ZnsTemplateView },
      },
    },
    async (req) => messaging.updateTemplate(me(req), req.params.id, req.body),
  );
  r.get("/api/admin/zns/quota", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"] } }, async () => messaging.quota());
  r.post(
    "/api/admin/zns/test-send",
    {
      config: { access: "admin", roles: ["marketer"], rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        tags: ["admin"],
        summary: "Queue one template to one phone, sent by the dispatcher like every message (poll its state)",
        body: z
          .object({
            phone: z.string().min(9).max(20),
            templateId: z.string().min(1).max(64),
            data: z.record(z.string(), z.string().max(2000)),
            development: z.boolean().optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const phone = normalizePhone(req.body.phone);
      if (!phone) throw new AppError(ErrorCode.VALIDATION_FAILED, "Not a Vietnamese mobile number");
      return reply.status(202).send(messaging.testSend(me(req), { ...req.body, phone }));
    },
  );
  r.get(
    "/api/admin/zns/test-send/:id",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Where a test send is (Zalo's answer once it has one)",
        params: z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
      },
    },
    async (req) => messaging.testSendView(req.params.id),
  );

  // ---- broadcasts ----
  r.get("/api/admin/broadcasts", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"] } }, async () => ({
    broadcasts: await messaging.listBroadcasts(),
  }));
  r.post("/api/admin/broadcasts", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], body: BroadcastInput } }, async (req, reply) =>
    reply.status(201).send(messaging.createBroadcast(me(req), req.body)),
  );
  r.get("/api/admin/broadcasts/:id", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], params: IdParam } }, async (req) =>
    messaging.broadcastViewSliced(req.params.id),
  );
  r.get("/api/admin/broadcasts/:id/preview", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], params: IdParam } }, async (req) =>
    messaging.preview(req.params.id),
  );
  r.post("/api/admin/broadcasts/:id/start", { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], params: IdParam } }, async (req) =>
    messaging.start(me(req), req.params.id),
  );
  for (const action of ["pause", "resume", "cancel"] as const) {
    r.post(
      `/api/admin/broadcasts/:id/${action}`,
      { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], params: IdParam } },
      async (req) => messaging.setState(me(req), req.params.id, action),
    );
  }

  // ---- jobs ----
  r.post(
    "/api/admin/jobs/keep-warm",
    { config: { access: "admin" }, schema: { tags: ["admin"], summary: "Run the keep-warm floor now (it also runs daily)" } },
    async () => messaging.proposeFloor(),
  );
  r.post(
    "/api/admin/jobs/dispatch",
    { config: { access: "admin" }, schema: { tags: ["admin"], summary: "Run the dispatcher until nothing is ready" } },
    async () => {
      await opts.dispatcher.drain(50);
      return { ok: true };
    },
  );
}
