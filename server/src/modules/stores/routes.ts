import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AdminStore, CloseStoreBody, PickupSlotsView, PublicStore, StoreCreateInput, StoreSettingsInput } from "@mc/shared";
import type { StoreService } from "./service";
import { me } from "../../http/route-helpers";
import { actorOf } from "../../lib/audit";

const Store = z.object({ id: z.string(), name: z.string(), address: z.string(), active: z.boolean(), createdAt: z.number() });
const IdParam = z.object({ id: z.string().min(1).max(64) });

export async function storeRoutes(app: FastifyInstance, opts: { stores: StoreService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { stores } = opts;

  // ---- shoppers ----

  r.get(
    "/api/stores",
    {
      config: { access: "public" },
      schema: {
        tags: ["stores"],
        summary: "Active stores for the shopper's store picker, each open or closed now, with today's hours and the next opening or closing",
        response: { 200: z.object({ stores: z.array(PublicStore) }) },
      },
    },
    async () => ({ stores: stores.publicList() }),
  );

  r.get(
    "/api/stores/:id/pickup-slots",
    {
      config: { access: "public" },
      schema: {
        tags: ["stores"],
        summary: "The pickup times a store offers now (inside its hours, after the preparation lead), by local date",
        params: IdParam,
        response: { 200: PickupSlotsView },
      },
    },
    async (req) => stores.slots(req.params.id),
  );

  // ---- staff ----

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

  // ---- admin ----

  r.get(
    "/api/admin/stores",
    // Marketers read the list: their games and voucher pages name stores.
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags: ["admin"], response: { 200: z.object({ stores: z.array(AdminStore) }) } } },
    async () => ({ stores: stores.adminList() }),
  );

  r.post(
    "/api/admin/stores",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], summary: "A new store (without hours: open all day, every day)", body: StoreCreateInput, response: { 201: AdminStore } },
    },
    async (req, reply) => reply.status(201).send(stores.create(req.body, actorOf(me(req)))),
  );

  r.get(
    "/api/admin/stores/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], summary: "One store's settings", params: IdParam, response: { 200: AdminStore } } },
    async (req) => stores.get(req.params.id),
  );

  r.put(
    "/api/admin/stores/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Save every setting of a store at once: name, address, weekly hours, exceptions, time zone, active",
        params: IdParam,
        body: StoreSettingsInput,
        response: { 200: AdminStore },
      },
    },
    async (req) => stores.update(actorOf(me(req)), req.params.id, req.body),
  );

  r.post(
    "/api/admin/stores/:id/close",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Close a store: hidden from shoppers, no orders, until activated",
        params: IdParam,
        body: CloseStoreBody,
        response: { 200: AdminStore },
      },
    },
    async (req) => stores.close(actorOf(me(req)), req.params.id, req.body.reason || null),
  );

  r.post(
    "/api/admin/stores/:id/activate",
    { config: { access: "admin" }, schema: { tags: ["admin"], summary: "Open a closed store again", params: IdParam, response: { 200: AdminStore } } },
    async (req) => stores.activate(actorOf(me(req)), req.params.id),
  );
}
