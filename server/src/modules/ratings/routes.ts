import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { OrderRatingView, Rating, RatingInput, RatingListQuery, RatingStoreSummary } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { RatingService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const tags = ["ratings"];

export async function ratingRoutes(app: FastifyInstance, opts: { ratings: RatingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { ratings } = opts;

  // ---- shopper: their own order only (anyone else's is "not found") ----
  r.get(
    "/api/me/orders/:id/rating",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: { tags, summary: "My order's rating page: the order, whether it can be rated, its rating", params: IdParam, response: { 200: OrderRatingView } },
    },
    async (req) => ratings.view(me(req).id, req.params.id),
  );

  r.post(
    "/api/me/orders/:id/rating",
    {
      config: { access: "customer", scope: { owner: "order" } },
      schema: {
        tags,
        summary: "Rate my completed order (1–5 stars, optional comment), once",
        params: IdParam,
        body: RatingInput,
        response: { 201: z.object({ rating: Rating }) },
      },
    },
    async (req, reply) => reply.status(201).send({ rating: await ratings.submit(me(req).id, req.params.id, req.body) }),
  );

  // ---- console ----
  r.get(
    "/api/admin/ratings",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "Ratings, newest first, by stars (or low ones) and store",
        querystring: RatingListQuery,
        response: { 200: z.object({ ratings: z.array(Rating), next: z.object({ before: z.number(), beforeId: z.string() }).nullable() }) },
      },
    },
    async (req) => ratings.list(req.query),
  );

  r.get(
    "/api/admin/ratings/summary",
    {
      config: { access: "admin", roles: ["marketer"] },
      schema: {
        tags,
        summary: "Ratings per store: count, average stars, low ones",
        response: { 200: z.object({ stores: z.array(RatingStoreSummary), lowMax: z.number() }) },
      },
    },
    async () => ratings.summary(),
  );
}
