import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdminProduct,
  AvailabilityBody,
  ErrorCode,
  Menu,
  MenuCategory,
  MenuCategoryInput,
  MenuImage,
  MenuOrderInput,
  ProductInput,
  Quote,
  QuoteBody,
} from "@mc/shared";
import { AppError } from "../../errors";
import { me } from "../../http/route-helpers";
import { MAX_IMAGE_BYTES } from "./images";
import type { MenuService } from "./service";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const StoreParam = z.object({ storeId: z.string().min(1).max(64) });

export async function menuRoutes(app: FastifyInstance, opts: { menu: MenuService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { menu } = opts;

  // An upload is the picture's own bytes as the body (`content-type: image/…`): no multipart framing to parse, and
  // the body limit is the image limit. Only in this plugin: every other route still takes JSON only.
  app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: "buffer", bodyLimit: MAX_IMAGE_BYTES }, (_req, body, done) =>
    done(null, body),
  );

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

  r.get(
    "/api/menu/images/:file",
    {
      config: { access: "public" },
      schema: { tags: ["orders"], summary: "A menu picture (content-addressed: cached for good)", params: z.object({ file: z.string().min(1).max(64) }) },
    },
    async (req, reply) => {
      const bytes = await menu.imageFile(req.params.file);
      if (!bytes) throw new AppError(ErrorCode.NOT_FOUND, "No such image");
      // The name is the content: a browser that has it asks again only after a hard reload.
      const etag = `"${req.params.file}"`;
      reply.header("cache-control", "public, max-age=31536000, immutable").header("etag", etag).header("x-content-type-options", "nosniff");
      if (req.headers["if-none-match"] === etag) return reply.status(304).send();
      return reply.type("image/webp").send(bytes);
    },
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
      categories: await menu.listCategories(),
    }),
  );
  r.post(
    "/api/admin/menu/categories",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: MenuCategoryInput, response: { 201: MenuCategory } } },
    async (req, reply) => reply.status(201).send(await menu.createCategory(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/categories/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: MenuCategoryInput, response: { 200: MenuCategory } } },
    async (req) => menu.updateCategory(me(req), req.params.id, req.body),
  );
  r.post(
    "/api/admin/menu/images",
    {
      config: { access: "admin" },
      bodyLimit: MAX_IMAGE_BYTES,
      schema: {
        tags: ["admin"],
        summary: "Upload a product picture: the body is the image itself (JPEG, PNG, WebP or GIF, at most 8 MB)",
        response: { 201: MenuImage },
      },
      // A body past the limit, or of a type no parser takes, in the codes the console explains.
      errorHandler: (err, _req, _reply) => {
        const code = (err as { code?: string }).code;
        if (code === "FST_ERR_CTP_BODY_TOO_LARGE") throw new AppError(ErrorCode.IMAGE_TOO_LARGE, `An image may be at most ${MAX_IMAGE_BYTES} bytes`);
        if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || code === "FST_ERR_CTP_EMPTY_JSON_BODY")
          throw new AppError(ErrorCode.IMAGE_UNSUPPORTED, "Send the image's bytes with an image/* content type");
        throw err;
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError(ErrorCode.IMAGE_UNSUPPORTED, "Send the image's bytes with an image/* content type");
      return reply.status(201).send(await menu.uploadImage(me(req), req.body));
    },
  );
  r.put(
    "/api/admin/menu/order",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Save the order of every category and product at once",
        body: MenuOrderInput,
        response: { 200: z.object({ categories: z.array(MenuCategory), products: z.array(AdminProduct) }) },
      },
    },
    async (req) => menu.reorder(me(req), req.body),
  );
  r.get(
    "/api/admin/menu/products",
    { config: { access: "admin" }, schema: { tags: ["admin"], response: { 200: z.object({ products: z.array(AdminProduct) }) } } },
    async () => ({
      products: await menu.listProducts(),
    }),
  );
  r.post(
    "/api/admin/menu/products",
    { config: { access: "admin" }, schema: { tags: ["admin"], body: ProductInput, response: { 201: AdminProduct } } },
    async (req, reply) => reply.status(201).send(await menu.createProduct(me(req), req.body)),
  );
  r.put(
    "/api/admin/menu/products/:id",
    { config: { access: "admin" }, schema: { tags: ["admin"], params: IdParam, body: ProductInput, response: { 200: AdminProduct } } },
    async (req) => menu.updateProduct(me(req), req.params.id, req.body),
  );
}
