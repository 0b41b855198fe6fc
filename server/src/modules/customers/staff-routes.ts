import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { StaffGrantBody, StaffMember, StaffRevokeBody } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { StaffGrants } from "./staff-grants";

/** The console's staff grants: owners at every store, store managers at theirs (marketers not at all). */
export async function staffGrantRoutes(app: FastifyInstance, opts: { staff: StaffGrants }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["console accounts"];

  r.get(
    "/api/admin/staff",
    {
      // A store manager's list: the staff of their stores, with those stores only.
      config: { access: "admin", roles: ["store_manager"], scope: "any" },
      schema: { tags, summary: "Staff (and Zalo admins) with their stores", response: { 200: z.object({ staff: z.array(StaffMember) }) } },
    },
    async (req) => ({ staff: await opts.staff.list(me(req)) }),
  );

  r.post(
    "/api/admin/staff",
    {
      config: { access: "admin", roles: ["store_manager"], scope: { store: "body" } },
      schema: {
        tags,
        summary: "Make someone staff of stores, found by member code or a Zalo id (adds to the stores they have; audited)",
        body: StaffGrantBody,
        response: { 200: z.object({ staff: StaffMember }) },
      },
    },
    async (req) => ({ staff: await opts.staff.grant(me(req), req.body) }),
  );

  r.post(
    "/api/admin/staff/:id/revoke",
    {
      config: { access: "admin", roles: ["store_manager"], scope: { store: "body" } },
      schema: {
        tags,
        summary: "Take stores from a staff member (none named: every store the caller manages); effective at once; audited",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: StaffRevokeBody,
        response: { 200: z.object({ staff: StaffMember }) },
      },
    },
    async (req) => ({ staff: await opts.staff.revoke(me(req), req.params.id, req.body.storeIds) }),
  );
}
