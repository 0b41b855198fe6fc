import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { AdminLoginBody, AdminLoginResult, AdminMe } from "@mc/shared";
import type { AdminService } from "./service";
import { authRateLimit, me } from "../../http/route-helpers";

export async function adminRoutes(app: FastifyInstance, opts: { admin: AdminService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { admin } = opts;

  r.post(
    "/api/admin/login",
    {
      config: { access: "public", rateLimit: authRateLimit(app) },
      schema: { tags: ["admin"], summary: "Web console sign-in", body: AdminLoginBody, response: { 200: AdminLoginResult } },
    },
    async (req) => admin.login(req.body.email, req.body.password),
  );

  r.get(
    "/api/admin/me",
    {
      config: { access: "admin" },
      schema: { tags: ["admin"], summary: "Who this console session is: the console checks a stored token with it", response: { 200: AdminMe } },
    },
    async (req) => admin.me(me(req)),
  );
}
