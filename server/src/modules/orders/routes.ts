import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CheckoutParams, Order, OrderStatus, PaymentState, PlaceOrderBody, StatusBody } from "@mc/shared";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";
import { me } from "../../http/route-helpers";
import type { OrderService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const StoreParam = z.object({ storeId: z.string().min(1).max(64) });
const CheckoutReply = z.object({ returnCode: z.number(), returnMessage: z.string() });
/** Zalo's Checkout servers post JSON; the MAC is over field values, so the parsed body is enough. */
const CheckoutWebhookBody = z.record(z.string(), z.unknown()).nullish();

export async function orderRoutes(app: FastifyInstance, opts: { orders: OrderService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { orders } = opts;

  // ---- shopper ----
  r.post(
    "/api/orders",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["orders"], summary: "Place an order (priced by the server; once per requestId)", body: PlaceOrderBody, response: { 201: z.object({ order: Order, duplicate: z.boolean() }) } },
    },
    async (req, reply) => reply.status(201).send(orders.place(me(req).id, req.body)),
  );

  r.get(
    "/api/me/orders",
    { config: { access: "customer", scope: "own" }, schema: { tags: ["orders"], summary: "My orders, newest first", response: { 200: z.object({ orders: z.array(Order) }) } } },
    async (req) => ({ orders: orders.mine(me(req).id) }),
  );

  r.get(
    "/api/me/orders/:id",
    { config: { access: "customer", scope: { owner: "order" } }, schema: { tags: ["orders"], params: IdParam, response: { 200: z.object({ order: Order }) } } },
    async (req) => ({ order: orders.own(me(req).id, req.params.id) }),
  );

  r.post(
    "/api/me/orders/:id/cancel",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: { tags: ["orders"], summary: "Cancel my order before the store confirms it", params: IdParam, body: z.object({ reason: z.string().trim().min(3).max(200) }).strict(), response: { 200: z.object({ order: Order }) } },
    },
    async (req) => ({ order: orders.cancelOwn(me(req).id, req.params.id, req.body.reason) }),
  );

  r.post(
    "/api/orders/:id/checkout",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: { tags: ["orders"], summary: "zmp-sdk createOrder params with the server-made MAC (Zalo Checkout)", params: IdParam, response: { 200: CheckoutParams } },
    },
    async (req) => orders.checkout(me(req).id, req.params.id),
  );

  r.get(
    "/api/orders/:id/payment",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: {
        tags: ["orders"],
        summary: "Payment state; asks Zalo's getOrderStatus when the callback is late",
        params: IdParam,
        querystring: z.object({ checkoutOrderId: z.string().min(1).max(64).optional() }),
        response: { 200: PaymentState },
      },
    },
    async (req) => orders.paymentState(me(req).id, req.params.id, req.query.checkoutOrderId),
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
      if (req.query.status && !parsed.success) throw new AppError(ErrorCode.VALIDATION_FAILED, "status: a comma list of placed, confirmed, ready, completed, cancelled");
      const statuses = req.query.status ? parsed.data : undefined;
      return { orders: orders.storeOrders(me(req), req.params.storeId, statuses) };
    },
  );

  r.get(
    "/api/staff/orders/:id",
    { config: { access: "staff", scope: { store: "order" } }, schema: { tags: ["staff"], params: IdParam, response: { 200: z.object({ order: Order }) } } },
    async (req) => ({ order: orders.staffOrder(me(req), req.params.id) }),
  );

  r.post(
    "/api/staff/orders/:id/status",
    { config: { access: "staff", scope: { store: "order" } }, schema: { tags: ["staff"], summary: "Move an order along, or cancel it with a reason", params: IdParam, body: StatusBody, response: { 200: z.object({ order: Order }) } } },
    async (req) => ({ order: orders.transition(me(req), req.params.id, req.body) }),
  );

  // ---- Zalo Checkout webhooks (§8.3): MAC checked by the service first; answered in Zalo's form, always 200 ----
  r.post(
    "/webhooks/zalo-checkout/callback",
    { config: { access: "webhook", rateLimit: false }, schema: { tags: ["webhooks"], summary: "Checkout payment result (verified with overallMac)", body: CheckoutWebhookBody, response: { 200: CheckoutReply } } },
    async (req) => {
      const res = orders.handleCallback(req.body);
      if (res.returnCode !== 1) req.log.warn({ reason: res.returnMessage }, "rejected checkout callback");
      return res;
    },
  );
  r.post(
    "/webhooks/zalo-checkout/notify",
    { config: { access: "webhook", rateLimit: false }, schema: { tags: ["webhooks"], summary: "Checkout COD/bank choice (verified with mac)", body: CheckoutWebhookBody, response: { 200: CheckoutReply } } },
    async (req) => {
      const res = orders.handleNotify(req.body);
      if (res.returnCode !== 1) req.log.warn({ reason: res.returnMessage }, "rejected checkout notify");
      return res;
    },
  );
}
