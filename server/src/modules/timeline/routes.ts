import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CustomerNote, NoteBody, TimelinePage, TimelineQuery } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { NotesService } from "../customers/notes";
import { parseKinds, type TimelineService } from "./service";
import type { StaffTimeline } from "./staff";

const params = z.object({ id: z.string().min(1).max(64) });

/** A person's one timeline, and the notes the shop writes into it: the console's, and the staff's scoped view. */
export async function timelineRoutes(app: FastifyInstance, opts: { timeline: TimelineService; notes: NotesService; staff: StaffTimeline }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/admin/customers/:id/timeline",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Everything that happened to a person, newest first (orders, points, vouchers, games, follows, messages, notes, console actions)",
        params,
        querystring: TimelineQuery,
        response: { 200: TimelinePage },
      },
    },
    async (req) => opts.timeline.page(req.params.id, { kinds: parseKinds(req.query.kinds), before: req.query.before, limit: req.query.limit }),
  );

  r.post(
    "/api/admin/customers/:id/notes",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags: ["admin"],
        summary: "Write a note about a person (audited)",
        params,
        body: NoteBody,
        response: { 201: z.object({ note: CustomerNote }) },
      },
    },
    async (req, reply) => reply.code(201).send({ note: await opts.notes.add(me(req), req.params.id, req.body.text) }),
  );

  r.get(
    "/api/staff/customers/:id/timeline",
    {
      config: { access: "staff", scope: { customer: "visited" } },
      schema: {
        tags: ["staff"],
        summary: "A person's timeline at the caller's stores (and notes), newest first, for staff of a store they visited (anyone else: 404)",
        params,
        querystring: TimelineQuery,
        response: { 200: TimelinePage },
      },
    },
    async (req) => opts.staff.page(me(req), req.params.id, { kinds: parseKinds(req.query.kinds), before: req.query.before, limit: req.query.limit }),
  );

  r.post(
    "/api/staff/customers/:id/notes",
    {
      config: { access: "staff", scope: { customer: "visited" } },
      schema: {
        tags: ["staff"],
        summary: "Staff write a note about a person they may open (author: the staff member; audited)",
        params,
        body: NoteBody,
        response: { 201: z.object({ note: CustomerNote }) },
      },
    },
    async (req, reply) => reply.code(201).send({ note: await opts.staff.addNote(me(req), req.params.id, req.body.text) }),
  );
}
