import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { StoreService } from "./service";
import { me } from "../../http/route-helpers";

const Store = z.object({ id: z.string(), name: z.string(), address: z.string(), active: z.boolean(), createdAt: z.number() });

export async function storeRoutes(app: FastifyInstance, opts: { stores: StoreService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { stores } = opts;

  r.get(
    "/api/admin/stores",
    { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ stores: z.array(Store) }) } } },
    async () => ({
      stores: stores.list(),
    }),
  );

  r.get(
    "/api/stores",
    {
      config: { access: "public" },
      schema: {
        tags: ["stores"],
        summary: "Active stores, for the shopper's store picker",
        response: { 200: z.object({ stores: z.array(Store.pick({ id: true, name: true, address: true })) }) },
      },
    },
    async () => ({
      stores: stores
        .list()
        .filter((s) => s.active)
        .map(({ id, name, address }) => ({ id, name, address })),
    }),
  );

  r.get(
    "/api/staff/stores",
    {
      config: { access: "staff", scope: "any" },
      schema: { tags: ["staff"], summary: "The stores this staff member works at", response: { 200: z.object({ stores: z.array(Store) }) } },
    },
    async (req) => {
      const p = me(req);
      const all = stores.list();
      return { stores: p.role === "admin" ? all : all.filter((s) => p.storeIds.includes(s.id)) };
    },
  );

  r.post(
    "/api/admin/stores",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        body: z
          .object({
            id: z
              .string()
              .regex(/^[a-z0-9-]{2,40}$/)
              .optional(),
            name: z.string().trim().min(1).max(120),
            address: z.string().max(300).optional(),
          })
          .strict(),
        response: { 201: Store },
      },
    },
    async (req, reply) => reply.status(201).send(stores.create(req.body)),
  );
}
