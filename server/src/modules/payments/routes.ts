import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CheckoutParams, PaymentState } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { PaymentService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const CheckoutReply = z.object({ returnCode: z.number(), returnMessage: z.string() });
/** Zalo's Checkout servers post JSON; the MAC is over field values, so the parsed body is enough. */
const CheckoutWebhookBody = z.record(z.string(), z.unknown()).nullish();

export async function paymentRoutes(app: FastifyInstance, opts: { payments: PaymentService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { payments } = opts;

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
    async (req) => payments.checkout(me(req).id, req.params.id),
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
      const res = payments.handleCallback(req.body);
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
      const res = payments.handleNotify(req.body);
      if (res.returnCode !== 1) req.log.warn({ reason: res.returnMessage }, "rejected checkout notify");
      return res;
    },
  );
}
