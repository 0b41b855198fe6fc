import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AutomationInput, AutomationWhatIfInput } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { AutomationService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });

/** The console's automations: the owner and the marketer (the campaigns role) read and edit them. */
export async function automationRoutes(app: FastifyInstance, opts: { automations: AutomationService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { automations } = opts;
  const tags = ["automations"];

  r.get(
    "/api/admin/automations",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "Automations with their figures" } },
    async () => ({ automations: await automations.list() }),
  );
  r.get(
    "/api/admin/automations/:id",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "One automation with its figures", params: IdParam } },
    async (req) => ({ automation: await automations.get(req.params.id) }),
  );
  r.put(
    "/api/admin/automations/:id",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "Edit an automation (its trigger stays); enabled=false stops its waiting timers from sending",
        params: IdParam,
        body: AutomationInput,
      },
    },
    async (req) => ({ automation: await automations.update(me(req), req.params.id, req.body) }),
  );
  r.post(
    "/api/admin/automations/:id/what-if",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "How many people it would have reached in the last 30 days with these (draft) settings; read in slices between requests",
        params: IdParam,
        body: AutomationWhatIfInput,
      },
    },
    async (req) => ({ whatIf: await automations.whatIf(req.params.id, req.body) }),
  );
}
