import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AdminProduct, AvailabilityBody, Menu, MenuCategory, MenuCategoryInput, ProductInput, Quote, QuoteBody } from "@mc/shared";
import { me } from "../../http/route-helpers";
import type { MenuService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const StoreParam = z.object({ storeId: z.string().min(1).max(64) });

export async function menuRoutes(app: FastifyInstance, opts: { menu: MenuService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { menu } = opts;

  // ---- shopper ----
  r.get(
    "/api/stores/:storeId/menu",
    {
      config: { access: "public" },
      schema: { tags: ["orders"], summary: "A store's menu: only what is available there now", params: StoreParam, response: { 200: Menu } },
    },
    async (req) => menu.menu(req.params.storeId),
  );

  r.post(
    "/api/orders/quote",
    {
      config: { access: "customer", scope: "own" },
      schema: { tags: ["orders"], summary: "Price a cart (and voucher) without ordering", body: QuoteBody, response: { 200: Quote } },
    },
    async (req) => menu.quote(me(req).id, req.body),
  );

  // ---- staff ----
  r.put(
    "/api/staff/stores/:storeId/products/:id/availability",
    {
      config: { access: "staff", scope: { store: "params" } },
      schema: {
        tags: ["staff"],
        summary: "Mark a product sold out (or back) at my store",
        params: StoreParam.extend({ id: z.string().min(1).max(64) }),
        body: AvailabilityBody,
        response: { 200: z.object({ productId: z.string(), storeId: z.string(), available: z.boolean() }) },
      },
    },
    async (req) => menu.setAvailability(me(req), req.params.storeId, req.params.id, req.body.available),
  );

  // ---- admin: menu ----
  r.get(
    "/api/admin/menu/categories",
    { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ categories: z.array(MenuCategory) }) } } },
    async () => ({
      categories: menu.listCategories(),
    }),
  );
  r.post(
    "/api/admin/menu/categories",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: MenuCategoryInput, response: { 201: MenuCategory } } },
    async (req, reply) => reply.status(201).send(menu.createCategory(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/categories/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: MenuCategoryInput, response: { 200: MenuCategory } } },
    async (req) => menu.updateCategory(me(req), req.params.id, req.body),
  );
  r.get(
    "/api/admin/menu/products",
    { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ products: z.array(AdminProduct) }) } } },
    async () => ({
      products: menu.listProducts(),
    }),
  );
  r.post(
    "/api/admin/menu/products",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: ProductInput, response: { 201: AdminProduct } } },
    async (req, reply) => reply.status(201).send(menu.createProduct(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/products/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: ProductInput, response: { 200: AdminProduct } } },
    async (req) => menu.updateProduct(me(req), req.params.id, req.body),
  );
}
