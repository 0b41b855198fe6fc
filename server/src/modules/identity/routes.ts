import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Customer, LoginResult, Loyalty, PhoneBody, ZaloLoginBody } from "@mc/shared";
import type { IdentityService } from "./service";
import type { LoyaltyService } from "../loyalty/service";
import { authRateLimit, me } from "../../http/route-helpers";

export async function identityRoutes(app: FastifyInstance, opts: { identity: IdentityService; loyalty: LoyaltyService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { identity } = opts;

  r.post(
    "/api/auth/zalo",
    {
      config: { access: "public", rateLimit: authRateLimit(app) },
      schema: { tags: ["identity"], summary: "Sign in with a Zalo Mini App access token", body: ZaloLoginBody, response: { 200: LoginResult } },
    },
    async (req) => {
      const { token, customer } = await identity.loginWithZalo(req.body.accessToken);
      return { token, customer, loyalty: await opts.loyalty.summary(customer.id) };
    },
  );

  r.get(
    "/api/me",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["identity"],
        summary: "The signed-in person, with points, tier and member code",
        response: { 200: z.object({ customer: Customer, loyalty: Loyalty }) },
      },
    },
    async (req) => ({ customer: await identity.profile(me(req).id), loyalty: await opts.loyalty.summary(me(req).id) }),
  );

  r.post(
    "/api/me/phone",
    {
      config: { access: "customer", scope: "own", rateLimit: authRateLimit(app) },
      schema: {
        tags: ["identity"],
        summary: "Store the phone number behind a zmp-sdk phone token",
        body: PhoneBody,
        response: { 200: z.object({ customer: Customer }) },
      },
    },
    async (req) => ({ customer: await identity.sharePhone(me(req).id, req.body) }),
  );
}
