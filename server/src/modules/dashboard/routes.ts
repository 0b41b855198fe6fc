import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { DashboardQuery, DashboardView } from "@mc/shared";
import type { DashboardService } from "./service";

export async function dashboardRoutes(app: FastifyInstance, opts: { dashboard: DashboardService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/admin/dashboard",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["dashboard"],
        summary: "Every dashboard chart's series for a range of shop-local days (at most 366, both ends included)",
        querystring: DashboardQuery,
        response: { 200: DashboardView },
      },
    },
    async (req) => opts.dashboard.view(req.query),
  );
}
