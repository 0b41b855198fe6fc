import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Readable } from "node:stream";
import {
  Customer,
  CustomerCount,
  CustomerExportQuery,
  CustomerListPage,
  CustomerListQuery,
  CustomerProfile,
  EraseCustomerBody,
  MyBirthday,
  MyBirthdayBody,
  SetRoleBody,
  SetTagsBody,
  TagCounts,
} from "@mc/shared";
import type { CustomerService } from "./service";
import type { CustomerList } from "./list";
import type { CustomerProfiles } from "./profile";
import { me } from "../../http/route-helpers";

const IdParam = z.object({ id: z.string().min(1).max(64) });
/** The count takes the list's search and filters (sort and page mean nothing to it). */
const CountQuery = CustomerListQuery.omit({ sort: true, after: true, limit: true });

/** The console's customer routes (the shopper's own are identity's /api/me), and the staff's scoped profile. */
export async function customerRoutes(app: FastifyInstance, opts: { customers: CustomerService; list: CustomerList; profiles: CustomerProfiles }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { customers, list, profiles } = opts;
  const tags = ["crm"];

  // ---- the shopper's own birthday (the mini app's account page) ----
  r.get(
    "/api/me/birthday",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["identity"], summary: "My birthday and when I agreed the shop keeps it", response: { 200: z.object({ birthday: MyBirthday }) } },
    },
    async (req) => ({ birthday: await customers.myBirthday(me(req).id) }),
  );
  r.put(
    "/api/me/birthday",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["identity"],
        summary: "Give (with consent: only for a birthday gift), change or clear my birthday (YYYY-MM-DD or MM-DD)",
        body: MyBirthdayBody,
        response: { 200: z.object({ birthday: MyBirthday }) },
      },
    },
    async (req) => ({ birthday: await customers.setMyBirthday(me(req).id, req.body) }),
  );

  r.get(
    "/api/admin/customers",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "The customer list: search (name, phone's last digits, member code, Zalo id), filters, sorts, keyset pages",
        querystring: CustomerListQuery,
        response: { 200: CustomerListPage },
      },
    },
    async (req) => list.list(req.query),
  );

  r.get(
    "/api/admin/customers/count",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "How many the list's search and filters match (counted in slices)", querystring: CountQuery, response: { 200: CustomerCount } },
    },
    async (req) => list.count(req.query),
  );

  r.get(
    "/api/admin/customers/export.csv",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "The list's search and filters as a streamed CSV (UTF-8 with BOM); phones masked unless fullPhones=1 (audited)",
        querystring: CustomerExportQuery,
      },
    },
    async (req, reply) => {
      const { filename, rows } = await list.exportCsv(me(req), req.query);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${filename}"`)
        .header("cache-control", "no-store")
        .send(Readable.from(rows));
    },
  );

  r.get(
    "/api/admin/tags",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "Tags in use, with how many people carry each", response: { 200: TagCounts } },
    },
    async () => list.tags(),
  );

  r.get(
    "/api/admin/customers/:id/profile",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "A person's profile", params: IdParam, response: { 200: z.object({ profile: CustomerProfile }) } },
    },
    async (req) => ({ profile: await profiles.profile(me(req), req.params.id) }),
  );

  r.get(
    "/api/staff/customers/:id/profile",
    {
      config: { access: "staff", scope: { customer: "visited" } },
      schema: {
        tags: ["staff"],
        summary: "A person's profile, for staff of a store they visited (anyone else: 404)",
        params: IdParam,
        response: { 200: z.object({ profile: CustomerProfile }) },
      },
    },
    async (req) => ({ profile: await profiles.profile(me(req), req.params.id) }),
  );

  r.get(
    "/api/staff/members/:code/customer",
    {
      config: { access: "staff", scope: { customer: "visited" } },
      schema: {
        tags: ["staff"],
        summary: "The person behind a member code, for staff of a store they visited (anyone else, or an unknown code: 404)",
        params: z.object({ code: z.string().min(4).max(64) }),
        response: { 200: z.object({ customerId: z.string() }) },
      },
    },
    async (req) => profiles.byMemberCode(me(req), req.params.code),
  );

  r.get(
    "/api/admin/customers/:id",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags: ["admin"], params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ customer: Customer }) } },
    },
    async (req) => ({ customer: await customers.view(req.params.id) }),
  );

  r.put(
    "/api/admin/customers/:id/role",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Grant or revoke staff/admin",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: SetRoleBody,
        response: { 200: z.object({ customer: Customer }) },
      },
    },
    async (req) => ({ customer: await customers.setRole(me(req), req.params.id, req.body.role, req.body.storeIds) }),
  );

  r.put(
    "/api/admin/customers/:id/tags",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Replace a customer's tags (broadcast audiences use them)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: SetTagsBody,
        response: { 200: z.object({ tags: z.array(z.string()) }) },
      },
    },
    async (req) => ({ tags: await customers.setTags(me(req), req.params.id, req.body.tags) }),
  );

  r.post(
    "/api/admin/customers/:id/erase",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Erase a person's personal data on request (anonymised; points, orders and audit kept; audited)",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: EraseCustomerBody,
        response: { 200: z.object({ customer: Customer, tagsRemoved: z.number(), messagesCancelled: z.number(), webhookEventsRedacted: z.number() }) },
      },
    },
    async (req) => customers.erase(me(req), req.params.id, req.body.reason),
  );
}
