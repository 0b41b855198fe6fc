import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Order, OrderStatus, PlaceOrderBody, StatusBody } from "@mc/shared";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";
import { me } from "../../http/route-helpers";
import type { OrderService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const StoreParam = z.object({ storeId: z.string().min(1).max(64) });

export async function orderRoutes(app: FastifyInstance, opts: { orders: OrderService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { orders } = opts;

  // ---- shopper ----
  r.post(
    "/api/orders",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["orders"],
        summary: "Place an order (priced by the server; once per requestId)",
        body: PlaceOrderBody,
        response: { 201: z.object({ order: Order, duplicate: z.boolean() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await orders.place(me(req).id, req.body)),
  );

  r.get(
    "/api/me/orders",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["orders"], summary: "My orders, newest first", response: { 200: z.object({ orders: z.array(Order) }) } },
    },
    async (req) => ({ orders: await orders.mine(me(req).id) }),
  );

  r.get(
    "/api/me/orders/:id",
    { config: { access: "customer", scope: { owner: "order" } }, schema: { tags: ["orders"], params: IdParam, response: { 200: z.object({ order: Order }) } } },
    async (req) => ({ order: await orders.own(me(req).id, req.params.id) }),
  );

  r.post(
    "/api/me/orders/:id/cancel",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: {
        tags: ["orders"],
        summary: "Cancel my order before the store confirms it",
        params: IdParam,
        body: z.object({ reason: z.string().trim().min(3).max(200) }).strict(),
        response: { 200: z.object({ order: Order }) },
      },
    },
    async (req) => ({ order: await orders.cancelOwn(me(req).id, req.params.id, req.body.reason) }),
  );

  // ---- staff ----
  r.get(
    "/api/staff/stores/:storeId/orders",
    {
      config: { access: "staff", scope: { store: "params" } },
      schema: {
        tags: ["staff"],
        summary: "Orders at my store (default: placed, confirmed, ready), oldest first",
        params: StoreParam,
        querystring: z.object({ status: z.string().max(100).optional() }),
        response: { 200: z.object({ orders: z.array(Order) }) },
      },
    },
    async (req) => {
      const parsed = z.array(OrderStatus).safeParse(req.query.status?.split(","));
      if (req.query.status && !parsed.success)
        throw new AppError(ErrorCode.VALIDATION_FAILED, "status: a comma list of placed, confirmed, ready, completed, cancelled");
      const statuses = req.query.status ? parsed.data : undefined;
      return { orders: await orders.storeOrders(me(req), req.params.storeId, statuses) };
    },
  );

  r.get(
    "/api/staff/orders/:id",
    { config: { access: "staff", scope: { store: "order" } }, schema: { tags: ["staff"], params: IdParam, response: { 200: z.object({ order: Order }) } } },
    async (req) => ({ order: await orders.staffOrder(me(req), req.params.id) }),
  );

  r.post(
    "/api/staff/orders/:id/status",
    {
      config: { access: "staff", scope: { store: "order" } },
      schema: {
        tags: ["staff"],
        summary: "Move an order along, or cancel it with a reason",
        params: IdParam,
        body: StatusBody,
        response: { 200: z.object({ order: Order }) },
      },
    },
    async (req) => ({ order: await orders.transition(me(req), req.params.id, req.body) }),
  );
}
