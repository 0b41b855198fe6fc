import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Customer, EraseCustomerBody, SetRoleBody, SetTagsBody } from "@mc/shared";
import type { CustomerService } from "./service";
import { me } from "../../http/route-helpers";

/** The console's customer routes (the shopper's own are identity's /api/me). */
export async function customerRoutes(app: FastifyInstance, opts: { customers: CustomerService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { customers } = opts;

  r.get(
    "/api/admin/customers/:id",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ customer: Customer }) } },
    },
    async (req) => ({ customer: customers.view(req.params.id) }),
  );

  r.put(
    "/api/admin/customers/:id/role",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Grant or revoke staff/admin",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: SetRoleBody,
        response: { 200: z.object({ customer: Customer }) },
      },
    },
    async (req) => ({ customer: customers.setRole(me(req), req.params.id, req.body.role, req.body.storeIds) }),
  );

  r.put(
    "/api/admin/customers/:id/tags",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Replace a customer's tags (broadcast audiences use them)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: SetTagsBody,
        response: { 200: z.object({ tags: z.array(z.string()) }) },
      },
    },
    async (req) => ({ tags: customers.setTags(me(req), req.params.id, req.body.tags) }),
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
    async (req) => customers.erase(me(req), req.params.id, req.body.reason),
  );
}
