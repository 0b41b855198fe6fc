import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AdminLoginBody, AdminLoginResult, Customer, EraseCustomerBody, SetRoleBody, SetTagsBody } from "@mc/shared";
import type { AdminService } from "./service";
import type { IdentityService } from "../identity/service";
import { authRateLimit, me } from "../../http/route-helpers";

const Store = z.object({ id: z.string(), name: z.string(), address: z.string(), active: z.boolean(), createdAt: z.number() });

export async function adminRoutes(app: FastifyInstance, opts: { admin: AdminService; identity: IdentityService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { admin, identity } = opts;

  r.post(
    "/api/admin/login",
    {
      config: { access: "public", rateLimit: authRateLimit(app) },
      schema: { tags: ["admin"], summary: "Web console sign-in", body: AdminLoginBody, response: { 200: AdminLoginResult } },
    },
    async (req) => admin.login(req.body.email, req.body.password),
  );

  r.get(
    "/api/admin/customers/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ customer: Customer }) } } },
    async (req) => ({ customer: identity.profile(req.params.id) }),
  );

  r.put(
    "/api/admin/customers/:id/role",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], summary: "Grant or revoke staff/admin", params: z.object({ id: z.string().min(1).max(64) }), body: SetRoleBody, response: { 200: z.object({ customer: Customer }) } },
    },
    async (req) => ({ customer: admin.setRole(me(req), req.params.id, req.body.role, req.body.storeIds) }),
  );

  r.put(
    "/api/admin/customers/:id/tags",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], summary: "Replace a customer's tags (broadcast audiences use them)", params: z.object({ id: z.string().min(1).max(64) }), body: SetTagsBody, response: { 200: z.object({ tags: z.array(z.string()) }) } },
    },
    async (req) => ({ tags: admin.setTags(me(req), req.params.id, req.body.tags) }),
  );

  r.post(
    "/api/admin/customers/:id/erase",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Erase a person's personal data on request (anonymised; points, orders and audit kept; audited)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: EraseCustomerBody,
        response: { 200: z.object({ customer: Customer, tagsRemoved: z.number(), messagesCancelled: z.number(), webhookEventsRedacted: z.number() }) },
      },
    },
    async (req) => admin.erase(me(req), req.params.id, req.body.reason),
  );

  r.get("/api/admin/stores", { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ stores: z.array(Store) }) } } }, async () => ({
    stores: admin.listStores(),
  }));

  r.get(
    "/api/stores",
    {
      config: { access: "public" },
      schema: { tags: ["stores"], summary: "Active stores, for the shopper's store picker", response: { 200: z.object({ stores: z.array(Store.pick({ id: true, name: true, address: true })) }) } },
    },
    async () => ({ stores: admin.listStores().filter((s) => s.active).map(({ id, name, address }) => ({ id, name, address })) }),
  );

  r.get(
    "/api/staff/stores",
    { config: { access: "staff", scope: "any" }, schema: { tags: ["staff"], summary: "The stores this staff member works at", response: { 200: z.object({ stores: z.array(Store) }) } } },
    async (req) => {
      const p = me(req);
      const all = admin.listStores();
      return { stores: p.role === "admin" ? all : all.filter((s) => p.storeIds.includes(s.id)) };
    },
  );

  r.post(
    "/api/admin/stores",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        body: z.object({ id: z.string().regex(/^[a-z0-9-]{2,40}$/).optional(), name: z.string().trim().min(1).max(120), address: z.string().max(300).optional() }).strict(),
        response: { 201: Store },
      },
    },
    async (req, reply) => reply.status(201).send(admin.createStore(req.body)),
  );
}
