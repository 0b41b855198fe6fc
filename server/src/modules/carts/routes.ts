import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CartPutBody, SavedCart } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { CartService } from "./service";

const StoreParam = z.object({ storeId: z.string().min(1).max(64) });

export async function cartRoutes(app: FastifyInstance, opts: { carts: CartService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { carts } = opts;

  r.get(
    "/api/me/carts",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["orders"], summary: "My saved carts, one per store, latest first", response: { 200: z.object({ carts: z.array(SavedCart) }) } },
    },
    async (req) => ({ carts: await carts.mine(me(req).id) }),
  );

  // The store is not another person's resource: the cart addressed is always the caller's own at that store.
  r.put(
    "/api/me/carts/:storeId",
    {
      config: { access: "customer", scope: "own" },
      schema: {
        tags: ["orders"],
        summary: "Save my cart at a store (checked against its menu; empty deletes it)",
        params: StoreParam,
        body: CartPutBody,
        response: { 200: z.object({ cart: SavedCart.nullable() }) },
      },
    },
    async (req) => ({ cart: await carts.save(me(req).id, req.params.storeId, req.body) }),
  );
}
