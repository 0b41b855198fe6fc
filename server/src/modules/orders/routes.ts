import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdminProduct,
  AvailabilityBody,
  CheckoutParams,
  Menu,
  MenuCategory,
  MenuCategoryInput,
  Order,
  OrderStatus,
  PaymentState,
  PlaceOrderBody,
  ProductInput,
  Quote,
  QuoteBody,
  StatusBody,
} from "@mc/shared";
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
  r.get(
    "/api/stores/:storeId/menu",
    { config: { access: "public" }, schema: { tags: ["orders"], summary: "A store's menu: only what is available there now", params: StoreParam, response: { 200: Menu } } },
    async (req) => orders.menu(req.params.storeId),
  );

  r.post(
    "/api/orders/quote",
    { config: { access: "customer", scope: "own" }, schema: { tags: ["orders"], summary: "Price a cart (and voucher) without ordering", body: QuoteBody, response: { 200: Quote } } },
    async (req) => orders.quote(me(req).id, req.body),
  );

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

  r.put(
    "/api/staff/stores/:storeId/products/:id/availability",
    {
      config: { access: "staff", scope: { store: "params" } },
      schema: {
        tags: ["staff"],
        summary: "Mark a product sold out (or back) at my store",
        params: StoreParam.extend({ id: z.string().min(1).max(64) }),
        body: AvailabilityBody,
        response: { 200: z.object({ productId: z.string(), storeId: z.string(), available: z.boolean() }) },
      },
    },
    async (req) => orders.setAvailability(me(req), req.params.storeId, req.params.id, req.body.available),
  );

  // ---- admin: menu ----
  r.get("/api/admin/menu/categories", { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ categories: z.array(MenuCategory) }) } } }, async () => ({
    categories: orders.listCategories(),
  }));
  r.post(
    "/api/admin/menu/categories",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: MenuCategoryInput, response: { 201: MenuCategory } } },
    async (req, reply) => reply.status(201).send(orders.createCategory(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/categories/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: MenuCategoryInput, response: { 200: MenuCategory } } },
    async (req) => orders.updateCategory(me(req), req.params.id, req.body),
  );
  r.get("/api/admin/menu/products", { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ products: z.array(AdminProduct) }) } } }, async () => ({
    products: orders.listProducts(),
  }));
  r.post(
    "/api/admin/menu/products",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: ProductInput, response: { 201: AdminProduct } } },
    async (req, reply) => reply.status(201).send(orders.createProduct(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/products/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: ProductInput, response: { 200: AdminProduct } } },
    async (req) => orders.updateProduct(me(req), req.params.id, req.body),
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
