import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { SegmentInput, SegmentPreviewInput } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { SegmentService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const Preview = z.object({
  count: z.number().int(),
  sample: z.array(z.object({ id: z.string(), name: z.string(), memberCode: z.string(), tier: z.object({ key: z.string(), name: z.string() }) })),
});

export async function segmentRoutes(app: FastifyInstance, opts: { segments: SegmentService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { segments } = opts;
  const tags = ["segments"];

  r.get(
    "/api/admin/segments",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "Saved segments (newest change first)" } },
    async () => ({
      segments: await segments.list(),
    }),
  );
  r.post(
    "/api/admin/segments",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "Save a segment (version 1)", body: SegmentInput } },
    async (req, reply) => reply.status(201).send(await segments.create(me(req), req.body)),
  );
  r.post(
    "/api/admin/segments/preview",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "Live count and a sample of 20 for draft rules (nothing saved)", body: SegmentPreviewInput, response: { 200: Preview } },
    },
    async (req) => segments.preview(req.body.rules),
  );
  r.get(
    "/api/admin/segments/:id",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "A segment with every version", params: IdParam } },
    async (req) => segments.get(req.params.id),
  );
  r.put(
    "/api/admin/segments/:id",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "Change a segment: a new version", params: IdParam, body: SegmentInput } },
    async (req) => segments.update(me(req), req.params.id, req.body),
  );
  r.delete(
    "/api/admin/segments/:id",
    { config: { access: "admin", roles: ["marketer"] }, schema: { tags, summary: "Delete a segment (its versions are kept)", params: IdParam } },
    async (req) => segments.remove(me(req), req.params.id),
  );
  r.get(
    "/api/admin/segments/:id/preview",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: { tags, summary: "How many match a saved segment now, and a sample of 20", params: IdParam, response: { 200: Preview } },
    },
    async (req) => segments.previewSaved(req.params.id),
  );
}
