import { randomUUID } from "node:crypto";
import {
  ErrorCode,
  orderTotals,
  priceLine,
  type AdminProduct,
  type Menu,
  type MenuCategory,
  type MenuCategoryInput,
  type MenuImage,
  type MenuOrderInput,
  type MenuProduct,
  type OptionGroup,
  type OrderLine,
  type ProductInput,
  type Quote,
  type QuoteBody,
} from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { assertStoreAccess } from "../../lib/scope";
import type { IdentityRepo } from "../identity/repo";
import type { VoucherRow } from "../vouchers/repo";
import type { CampaignRow } from "../vouchers/repo";
import { imageIdOf, imagePaths, renderImage } from "./images";
import type { CategoryRow, MenuRepo, ProductRow } from "./repo";

const vnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;

/** A cart priced by the server, with the voucher it uses (for the order that places it). */
export type Priced = Quote & { voucher: VoucherRow | null };

const toCategory = (r: CategoryRow): MenuCategory => ({ id: r.id, name: r.name, position: r.position, active: r.active });
const groupsOf = (p: ProductRow): OptionGroup[] => JSON.parse(p.optionGroups);
const toMenuProduct = (p: ProductRow): MenuProduct => ({
  id: p.id,
  categoryId: p.categoryId,
  name: p.name,
  description: p.description,
  priceVnd: p.priceVnd,
  // An uploaded picture by its server-made paths; else the shop's own URL for both sizes.
  imageUrl: p.imageId ? imagePaths(p.imageId).largeUrl : p.imageUrl,
  thumbUrl: p.imageId ? imagePaths(p.imageId).thumbUrl : p.imageUrl,
  imageId: p.imageId,
  optionGroups: groupsOf(p),
});

const IMAGE_FILE = /^([0-9a-f]{24})-(thumb|large)\.webp$/;

/**
 * Menu and pricing. Rules kept here (and tested in menu.test.ts and orders.test.ts):
 * - A store's menu is what is active, in an active category, sold and available there now; staff mark items sold
 *   out at their own store.
 * - Prices, discounts and totals come from the server's menu and `orderTotals`; the voucher is checked by the
 *   vouchers module (owner, active, store), the minimum spend here.
 */
export function createMenuService(deps: {
  store: Store;
  repo: MenuRepo;
  identityRepo: Pick<IdentityRepo, "storeExists">;
  /** The vouchers module: whether this shopper may use this voucher here now (throws the reason); a step inside pricing. */
  vouchers: { usableFor: (customerId: string, voucherId: string, storeId: string, at: number) => Awaitable<{ voucher: VoucherRow; campaign: CampaignRow }> };
  now: () => number;
}) {
  const { store, repo, now } = deps;

  // ---- admin: categories ----

  const listCategories = async () => (await repo.categories()).map(toCategory);

  async function createCategory(actor: Principal, input: MenuCategoryInput): Promise<MenuCategory> {
    const id = randomUUID();
    const at = now();
    await store.tx(function* () {
      yield* q(repo.insertCategory({ id, ...input, createdAt: at, updatedAt: at }));
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.category.create", targetId: id, details: input, at }));
    });
    return toCategory((await repo.category(id))!);
  }

  async function updateCategory(actor: Principal, id: string, input: MenuCategoryInput): Promise<MenuCategory> {
    const at = now();
    await store.tx(function* () {
      if (!(yield* q(repo.category(id)))) throw new AppError(ErrorCode.MENU_CATEGORY_NOT_FOUND, "Menu category not found");
      yield* q(repo.updateCategory(id, { ...input, updatedAt: at }));
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.category.update", targetId: id, details: input, at }));
    });
    return toCategory((await repo.category(id))!);
  }

  // ---- admin: menu ----

  const toAdminProduct = async (p: ProductRow): Promise<AdminProduct> => ({
    ...toMenuProduct(p),
    active: p.active,
    position: p.position,
    stores: await repo.storesOf(p.id),
  });
  const listProducts = async () => Promise.all((await repo.allProducts()).map(toAdminProduct));

  async function checkProductInput(input: ProductInput) {
    if (!(await repo.category(input.categoryId))) throw new AppError(ErrorCode.MENU_CATEGORY_NOT_FOUND, "Menu category not found");
    const exists = await Promise.all(input.storeIds.map((s) => deps.identityRepo.storeExists(s)));
    const unknown = input.storeIds.filter((_, i) => !exists[i]);
    if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`);
    if (input.imageId && !(await repo.imageExists(input.imageId))) throw new AppError(ErrorCode.IMAGE_NOT_FOUND, "No such uploaded image");
  }

  /** After the last product of a category (a new product, or one moved to another category): a step. */
  function* endOf(categoryId: string): Step<number> {
    const all = yield* q(repo.allProducts());
    return Math.max(-1, ...all.filter((p) => p.categoryId === categoryId).map((p) => p.position)) + 1;
  }

  const productRow = (input: ProductInput) => ({
    categoryId: input.categoryId,
    name: input.name,
    description: input.description,
    priceVnd: input.priceVnd,
    imageUrl: input.imageUrl,
    imageId: input.imageId,
    optionGroups: JSON.stringify(input.optionGroups),
    active: input.active,
  });

  async function createProduct(actor: Principal, input: ProductInput): Promise<AdminProduct> {
    await checkProductInput(input);
    const id = randomUUID();
    const at = now();
    await store.tx(function* () {
      yield* q(repo.insertProduct({ id, ...productRow(input), position: yield* endOf(input.categoryId), createdAt: at, updatedAt: at }));
      yield* q(repo.setProductStores(id, input.storeIds, at));
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.product.create", targetId: id, details: input, at }));
    });
    return toAdminProduct((await repo.product(id))!);
  }

  async function updateProduct(actor: Principal, id: string, input: ProductInput): Promise<AdminProduct> {
    await checkProductInput(input);
    const at = now();
    await store.tx(function* () {
      const before = yield* q(repo.product(id));
      if (!before) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found");
      const moved = before.categoryId !== input.categoryId;
      yield* q(repo.updateProduct(id, { ...productRow(input), ...(moved ? { position: yield* endOf(input.categoryId) } : {}), updatedAt: at }));
      yield* q(repo.setProductStores(id, input.storeIds, at));
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.product.update", targetId: id, details: input, at }));
    });
    return toAdminProduct((await repo.product(id))!);
  }

  // ---- admin: images and order ----

  /**
   * An uploaded picture: checked by its bytes, made into the menu's two sizes off the event loop (images.ts), stored
   * once under the hash of what was uploaded. Products name it by that id; the client never gives a URL for it.
   */
  async function uploadImage(actor: Principal, bytes: Buffer): Promise<MenuImage> {
    const id = imageIdOf(bytes);
    if (!(await repo.imageExists(id))) {
      const r = await renderImage(bytes);
      const at = now();
      await store.tx(function* () {
        yield* q(repo.insertImage({ id, ...r, createdAt: at }));
        yield* q(
          audit(store, {
            actor: actorOf(actor),
            action: "menu.image.upload",
            targetId: id,
            details: { bytes: bytes.length, width: r.width, height: r.height },
            at,
          }),
        );
      });
    }
    const meta = (await repo.imageMeta(id))!;
    return { id, ...imagePaths(id), width: meta.width, height: meta.height };
  }

  /** An image's bytes by its file name (`<id>-thumb.webp`, `<id>-large.webp`), or null. */
  async function imageFile(name: string): Promise<Buffer | null> {
    const m = IMAGE_FILE.exec(name);
    return (m && (await repo.imageBytes(m[1]!, m[2] as "thumb" | "large"))) ?? null;
  }

  /**
   * Saves the menu's order at once: the body lists every category and, in each, every one of its products. A list
   * that is not the menu as it stands (a product added or moved meanwhile) changes nothing.
   */
  async function reorder(actor: Principal, input: MenuOrderInput) {
    const at = now();
    await store.tx(function* () {
      const cats = yield* q(repo.categories());
      const prods = yield* q(repo.allProducts());
      const same = (a: string[], b: string[]) => a.length === b.length && new Set(a).size === a.length && a.every((x) => b.includes(x));
      const stale = () => new AppError(ErrorCode.MENU_ORDER_STALE, "The order given is not the menu as it is now: reload it");
      if (
        !same(
          input.categories.map((c) => c.id),
          cats.map((c) => c.id),
        )
      )
        throw stale();
      for (const c of input.categories)
        if (
          !same(
            c.productIds,
            prods.filter((p) => p.categoryId === c.id).map((p) => p.id),
          )
        )
          throw stale();
      for (const [i, c] of input.categories.entries()) {
        yield* q(repo.setCategoryPosition(c.id, i, at));
        for (const [k, p] of c.productIds.entries()) yield* q(repo.setProductPosition(p, k, at));
      }
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.reorder", details: { categories: input.categories.length }, at }));
    });
    return { categories: await listCategories(), products: await listProducts() };
  }

  /** Staff mark a product sold out (or back) at their own store. */
  async function setAvailability(actor: Principal, storeId: string, productId: string, available: boolean) {
    await assertStoreAccess(actor, storeId, deps.identityRepo.storeExists);
    const at = now();
    await store.tx(function* () {
      if (!(yield* q(repo.product(productId)))) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found");
      if (!(yield* q(repo.setAvailable(productId, storeId, available, at))))
        throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "This product is not sold at this store");
      yield* q(audit(store, { actor: actorOf(actor), action: "menu.product.availability", targetId: productId, storeId, details: { available }, at }));
    });
    return { productId, storeId, available };
  }

  // ---- shopper: menu and pricing ----

  function* openStore(storeId: string) {
    const s = yield* q(repo.store(storeId));
    if (!s) throw new AppError(ErrorCode.NOT_FOUND, "Store not found");
    if (!s.active) throw new AppError(ErrorCode.STORE_UNAVAILABLE, "This store is not taking orders");
    return s;
  }

  const menu = (storeId: string): Awaitable<Menu> =>
    store.read(function* () {
      yield* openStore(storeId);
      const ids = yield* q(repo.menuProductIds(storeId));
      const byCategory = new Map<string, MenuProduct[]>();
      for (const p of yield* q(repo.allProducts())) {
        if (!ids.has(p.id)) continue;
        byCategory.set(p.categoryId, [...(byCategory.get(p.categoryId) ?? []), toMenuProduct(p)]);
      }
      const categories = (yield* q(repo.categories()))
        .filter((c) => c.active && byCategory.has(c.id))
        .map((c) => ({ id: c.id, name: c.name, position: c.position, products: byCategory.get(c.id)! }));
      return { storeId, categories };
    });

  /**
   * Prices a cart at a store for a shopper at `at`; throws the reason a shopper sees. A step: inside an order's
   * transaction it reads in that transaction (what is priced is what is written), else on its own.
   */
  const price = (customerId: string, body: QuoteBody, at: number): Awaitable<Priced> =>
    store.read(function* (): Step<Priced> {
      yield* openStore(body.storeId);
      const onMenu = yield* q(repo.menuProductIds(body.storeId));
      const lines: OrderLine[] = [];
      for (const item of body.items) {
        const p = yield* q(repo.product(item.productId));
        if (!p) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, `Product ${item.productId} not found`);
        if (!onMenu.has(p.id)) throw new AppError(ErrorCode.PRODUCT_UNAVAILABLE, `${p.name} is not available at this store right now`, { productId: p.id });
        const r = priceLine({ id: p.id, name: p.name, priceVnd: p.priceVnd, optionGroups: groupsOf(p) }, item);
        if (!r.ok) throw new AppError(ErrorCode.OPTION_INVALID, r.problem.message, { productId: p.id });
        lines.push(r.line);
      }
      let voucher: VoucherRow | null = null;
      let discount = null;
      if (body.voucherId) {
        const { voucher: v, campaign } = yield* q(deps.vouchers.usableFor(customerId, body.voucherId, body.storeId, at));
        const subtotal = lines.reduce((s, l) => s + l.lineTotalVnd, 0);
        if (subtotal < campaign.minSpendVnd)
          throw new AppError(ErrorCode.VOUCHER_MIN_SPEND_NOT_MET, `This voucher needs an order of at least ${vnd(campaign.minSpendVnd)}`, {
            minSpendVnd: campaign.minSpendVnd,
            subtotalVnd: subtotal,
          });
        discount = {
          kind: campaign.kind,
          value: campaign.value,
          maxDiscountVnd: campaign.maxDiscountVnd,
          minSpendVnd: campaign.minSpendVnd,
          freeItem: campaign.freeItem,
        };
        voucher = v;
      }
      const totals = orderTotals(lines, discount);
      if (voucher && totals.discountVnd === 0)
        throw new AppError(ErrorCode.VOUCHER_NOT_APPLICABLE, "This voucher takes nothing off this order (add the free item to your cart)");
      return { lines, ...totals, voucher };
    });

  async function quote(customerId: string, body: QuoteBody): Promise<Quote> {
    const { voucher: _v, ...priced } = await price(customerId, body, now());
    return priced;
  }

  return {
    listCategories,
    createCategory,
    updateCategory,
    listProducts,
    createProduct,
    updateProduct,
    uploadImage,
    imageFile,
    reorder,
    setAvailability,
    menu,
    price,
    quote,
    /** A product's small picture (a saved cart's line shows it), or null. */
    thumbOf: async (productId: string) => {
      const p = await repo.product(productId);
      return p ? toMenuProduct(p).thumbUrl : null;
    },
  };
}

export type MenuService = ReturnType<typeof createMenuService>;
