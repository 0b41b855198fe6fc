import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdminLoginBody,
  AdminLoginResult,
  AuditPage,
  AuditQuery,
  AdminMe,
  Operator,
  OperatorCreate,
  OperatorUpdate,
  PasswordChange,
  PasswordReset,
} from "@mc/shared";
import type { AdminService } from "./service";
import type { AuditLog } from "./audit-log";
import { authRateLimit, me } from "../../http/route-helpers";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const tags = ["console accounts"];

export async function adminRoutes(app: FastifyInstance, opts: { admin: AdminService; audit: AuditLog }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { admin, audit } = opts;

  r.post(
    "/api/admin/login",
    {
      config: { access: "public", rateLimit: authRateLimit(app) },
      schema: {
        tags: ["admin"],
        summary: "Web console sign-in (the answer says the account's role)",
        body: AdminLoginBody,
        response: { 200: AdminLoginResult },
      },
    },
    async (req) => admin.login(req.body.email, req.body.password),
  );

  r.get(
    "/api/admin/me",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: "own" },
      schema: { tags, summary: "Who this console session is, with its role and stores: the console checks a stored token with it", response: { 200: AdminMe } },
    },
    async (req) => ({ admin: await admin.me(me(req)) }),
  );

  r.put(
    "/api/admin/me/password",
    {
      config: { access: "admin", roles: ["marketer", "store_manager"], scope: "own", rateLimit: authRateLimit(app) },
      schema: {
        tags,
        summary: "Change one's own console password (other sessions end; the answer carries a new token)",
        body: PasswordChange,
        response: { 200: AdminLoginResult },
      },
    },
    async (req) => admin.changeOwnPassword(me(req), req.body.currentPassword, req.body.newPassword),
  );

  // ---- accounts: owners only ----

  r.get(
    "/api/admin/operators",
    { config: { access: "admin" }, schema: { tags, summary: "Every console account", response: { 200: z.object({ operators: z.array(Operator) }) } } },
    async () => ({ operators: await admin.list() }),
  );

  r.post(
    "/api/admin/operators",
    {
      config: { access: "admin" },
      schema: { tags, summary: "Create a console account with its role and first password (audited)", body: OperatorCreate, response: { 201: Operator } },
    },
    async (req, reply) => reply.code(201).send(await admin.create(me(req), req.body)),
  );

  r.get("/api/admin/operators/:id", { config: { access: "admin" }, schema: { tags, params: IdParam, response: { 200: Operator } } }, async (req) =>
    admin.get(req.params.id),
  );

  r.put(
    "/api/admin/operators/:id",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Change an account's name, role and stores (audited; the last active owner stays one)",
        params: IdParam,
        body: OperatorUpdate,
        response: { 200: Operator },
      },
    },
    async (req) => admin.update(me(req), req.params.id, req.body),
  );

  for (const [action, active] of [
    ["deactivate", false],
    ["reactivate", true],
  ] as const) {
    r.post(
      `/api/admin/operators/:id/${action}`,
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: active ? "Let a deactivated account sign in again (audited)" : "Deactivate an account: no sign-in, its sessions end at once (audited)",
          params: IdParam,
          response: { 200: Operator },
        },
      },
      async (req) => admin.setActive(me(req), req.params.id, active),
    );
  }

  r.post(
    "/api/admin/operators/:id/password",
    {
      config: { access: "admin", rateLimit: authRateLimit(app) },
      schema: { tags, summary: "Set an account's password (its sessions end; audited)", params: IdParam, body: PasswordReset, response: { 200: Operator } },
    },
    async (req) => admin.resetPassword(me(req), req.params.id, req.body.password),
  );

  // ---- the audit log: owners only (it names every person and every operator's acts) ----

  r.get(
    "/api/admin/audit",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Who did what, when, to whom: newest first, filtered by actor, action, target and shop-local days, in keyset pages",
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (req) => audit.page(req.query),
  );

  r.get(
    "/api/admin/audit/actions",
    {
      config: { access: "admin" },
      schema: { tags, summary: "Every action the log holds (for the filter)", response: { 200: z.object({ actions: z.array(z.string()) }) } },
    },
    async () => audit.actions(),
  );
}
