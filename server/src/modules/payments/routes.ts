import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CheckoutParams, CheckoutReportTask, Order, PaymentState, RefundDoneBody, RefundTask } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { OrderService } from "../orders/service";
import type { PaymentService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const CheckoutReply = z.object({ returnCode: z.number(), returnMessage: z.string() });
/** Zalo's Checkout servers post JSON; the MAC is over field values, so the parsed body is enough. */
const CheckoutWebhookBody = z.record(z.string(), z.unknown()).nullish();

export async function paymentRoutes(app: FastifyInstance, opts: { payments: PaymentService; orders: Pick<OrderService, "staffOrder"> }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { payments, orders } = opts;

  // ---- shopper ----
  r.post(
    "/api/orders/:id/checkout",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: {
        tags: ["orders"],
        summary: "zmp-sdk createOrder params with the server-made MAC (Zalo Checkout)",
        params: IdParam,
        response: { 200: CheckoutParams },
      },
    },
    async (req) => await payments.checkout(me(req).id, req.params.id),
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
    async (req) => payments.paymentState(me(req).id, req.params.id, req.query.checkoutOrderId),
  );

  // ---- console: refunds made by hand (owners only: money leaves the shop) ----
  r.get(
    "/api/admin/refunds",
    {
      config: { access: "admin", scope: "any" },
      schema: {
        tags: ["orders"],
        summary: "Cancelled paid orders still to refund, oldest first",
        response: { 200: z.object({ refunds: z.array(RefundTask) }) },
      },
    },
    async () => ({ refunds: await payments.refundTasks() }),
  );
  r.post(
    "/api/admin/orders/:id/refunded",
    {
      config: { access: "admin", scope: "any" },
      schema: {
        tags: ["orders"],
        summary: "Mark a refund made (audited); a COD/bank Checkout order is reported refunded to Zalo",
        params: IdParam,
        body: RefundDoneBody,
        response: { 200: z.object({ order: Order }) },
      },
    },
    async (req) => {
      await payments.markRefunded(me(req), req.params.id, req.body.note);
      return { order: await orders.staffOrder(me(req), req.params.id) };
    },
  );

  // ---- console: Checkout reports Zalo keeps refusing (owners only, beside the refunds) ----
  r.get(
    "/api/admin/checkout-reports",
    {
      config: { access: "admin", scope: "any" },
      schema: {
        tags: ["orders"],
        summary: "COD/bank orders whose updateOrderStatus report to Zalo keeps failing, with the next try",
        response: { 200: z.object({ reports: z.array(CheckoutReportTask) }) },
      },
    },
    async () => ({ reports: await payments.failingReports() }),
  );
  r.post(
    "/api/admin/orders/:id/checkout-report/retry",
    {
      config: { access: "admin", scope: "any" },
      schema: {
        tags: ["orders"],
        summary: "Send a failed Checkout report to Zalo now (audited); `sent` false when Zalo refused it again",
        params: IdParam,
        response: { 200: z.object({ sent: z.boolean() }) },
      },
    },
    async (req) => ({ sent: await payments.retryReport(me(req), req.params.id) }),
  );

  // ---- Zalo Checkout webhooks (§8.3): MAC checked by the service first; answered in Zalo's form, always 200 ----
  r.post(
    "/webhooks/zalo-checkout/callback",
    {
      config: { access: "webhook", rateLimit: false },
      schema: {
        tags: ["webhooks"],
        summary: "Checkout payment result (verified with overallMac)",
        body: CheckoutWebhookBody,
        response: { 200: CheckoutReply },
      },
    },
    async (req) => {
      const res = await payments.handleCallback(req.body);
      if (res.returnCode !== 1) req.log.warn({ reason: res.returnMessage }, "rejected checkout callback");
      return res;
    },
  );
  r.post(
    "/webhooks/zalo-checkout/notify",
    {
      config: { access: "webhook", rateLimit: false },
      schema: { tags: ["webhooks"], summary: "Checkout COD/bank choice (verified with mac)", body: CheckoutWebhookBody, response: { 200: CheckoutReply } },
    },
    async (req) => {
      const res = await payments.handleNotify(req.body);
      if (res.returnCode !== 1) req.log.warn({ reason: res.returnMessage }, "rejected checkout notify");
      return res;
    },
  );
}
