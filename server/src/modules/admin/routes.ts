import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { AdminLoginBody, AdminLoginResult } from "@mc/shared";
import type { AdminService } from "./service";
import { authRateLimit } from "../../http/route-helpers";

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
}
