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
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { syncStep } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { assertStoreAccess } from "../../lib/scope";
import type { IdentityRepoSync } from "../identity/repo";
import type { VoucherRow } from "../vouchers/repo";
import type { VoucherService } from "../vouchers/service";
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
  db: Db;
  repo: MenuRepo;
  identityRepo: Pick<IdentityRepoSync, "storeExists">;
  vouchers: Pick<VoucherService, "usableFor">;
  now: () => number;
}) {
  const { db, repo, now } = deps;

  // ---- admin: menu ----

  const listCategories = () => repo.categories().map(toCategory);

  function createCategory(actor: Principal, input: MenuCategoryInput): MenuCategory {
    const id = randomUUID();
    const at = now();
    tx(db, () => {
      repo.insertCategory({ id, ...input, createdAt: at, updatedAt: at });
      audit(db, { actor: actorOf(actor), action: "menu.category.create", targetId: id, details: input, at });
    });
    return toCategory(repo.category(id)!);
  }

  function updateCategory(actor: Principal, id: string, input: MenuCategoryInput): MenuCategory {
    const at = now();
    tx(db, () => {
      if (!repo.category(id)) throw new AppError(ErrorCode.MENU_CATEGORY_NOT_FOUND, "Menu category not found");
      repo.updateCategory(id, { ...input, updatedAt: at });
      audit(db, { actor: actorOf(actor), action: "menu.category.update", targetId: id, details: input, at });
    });
    return toCategory(repo.category(id)!);
  }

  const toAdminProduct = (p: ProductRow): AdminProduct => ({ ...toMenuProduct(p), active: p.active, position: p.position, stores: repo.storesOf(p.id) });
  const listProducts = () => repo.allProducts().map(toAdminProduct);

  function checkProductInput(input: ProductInput) {
    if (!repo.category(input.categoryId)) throw new AppError(ErrorCode.MENU_CATEGORY_NOT_FOUND, "Menu category not found");
    const unknown = input.storeIds.filter((s) => !deps.identityRepo.storeExists(s));
    if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`);
    if (input.imageId && !repo.imageExists(input.imageId)) throw new AppError(ErrorCode.IMAGE_NOT_FOUND, "No such uploaded image");
  }

  /** After the last product of a category (a new product, or one moved to another category). */
  const endOf = (categoryId: string) =>
    Math.max(
      -1,
      ...repo
        .allProducts()
        .filter((p) => p.categoryId === categoryId)
        .map((p) => p.position),
    ) + 1;

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

  function createProduct(actor: Principal, input: ProductInput): AdminProduct {
    checkProductInput(input);
    const id = randomUUID();
    const at = now();
    tx(db, () => {
      repo.insertProduct({ id, ...productRow(input), position: endOf(input.categoryId), createdAt: at, updatedAt: at });
      repo.setProductStores(id, input.storeIds, at);
      audit(db, { actor: actorOf(actor), action: "menu.product.create", targetId: id, details: input, at });
    });
    return toAdminProduct(repo.product(id)!);
  }

  function updateProduct(actor: Principal, id: string, input: ProductInput): AdminProduct {
    checkProductInput(input);
    const at = now();
    tx(db, () => {
      const before = repo.product(id);
      if (!before) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found");
      const moved = before.categoryId !== input.categoryId;
      repo.updateProduct(id, { ...productRow(input), ...(moved ? { position: endOf(input.categoryId) } : {}), updatedAt: at });
      repo.setProductStores(id, input.storeIds, at);
      audit(db, { actor: actorOf(actor), action: "menu.product.update", targetId: id, details: input, at });
    });
    return toAdminProduct(repo.product(id)!);
  }

  // ---- admin: images and order ----

  /**
   * An uploaded picture: checked by its bytes, made into the menu's two sizes off the event loop (images.ts), stored
   * once under the hash of what was uploaded. Products name it by that id; the client never gives a URL for it.
   */
  async function uploadImage(actor: Principal, bytes: Buffer): Promise<MenuImage> {
    const id = imageIdOf(bytes);
    if (!repo.imageExists(id)) {
      const r = await renderImage(bytes);
      const at = now();
      tx(db, () => {
        repo.insertImage({ id, ...r, createdAt: at });
        audit(db, { actor: actorOf(actor), action: "menu.image.upload", targetId: id, details: { bytes: bytes.length, width: r.width, height: r.height }, at });
      });
    }
    const meta = repo.imageMeta(id)!;
    return { id, ...imagePaths(id), width: meta.width, height: meta.height };
  }

  /** An image's bytes by its file name (`<id>-thumb.webp`, `<id>-large.webp`), or null. */
  function imageFile(name: string): Buffer | null {
    const m = IMAGE_FILE.exec(name);
    return (m && repo.imageBytes(m[1]!, m[2] as "thumb" | "large")) ?? null;
  }

  /**
   * Saves the menu's order at once: the body lists every category and, in each, every one of its products. A list
   * that is not the menu as it stands (a product added or moved meanwhile) changes nothing.
   */
  function reorder(actor: Principal, input: MenuOrderInput) {
    const at = now();
    tx(db, () => {
      const cats = repo.categories();
      const prods = repo.allProducts();
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
      input.categories.forEach((c, i) => {
        repo.setCategoryPosition(c.id, i, at);
        c.productIds.forEach((p, k) => repo.setProductPosition(p, k, at));
      });
      audit(db, { actor: actorOf(actor), action: "menu.reorder", details: { categories: input.categories.length }, at });
    });
    return { categories: listCategories(), products: listProducts() };
  }

  /** Staff mark a product sold out (or back) at their own store. */
  function setAvailability(actor: Principal, storeId: string, productId: string, available: boolean) {
    assertStoreAccess(actor, storeId, deps.identityRepo.storeExists);
    const at = now();
    tx(db, () => {
      if (!repo.product(productId)) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "Product not found");
      if (!repo.setAvailable(productId, storeId, available, at)) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, "This product is not sold at this store");
      audit(db, { actor: actorOf(actor), action: "menu.product.availability", targetId: productId, storeId, details: { available }, at });
    });
    return { productId, storeId, available };
  }

  // ---- shopper: menu and pricing ----

  function openStore(storeId: string) {
    const s = repo.store(storeId);
    if (!s) throw new AppError(ErrorCode.NOT_FOUND, "Store not found");
    if (!s.active) throw new AppError(ErrorCode.STORE_UNAVAILABLE, "This store is not taking orders");
    return s;
  }

  function menu(storeId: string): Menu {
    openStore(storeId);
    const ids = repo.menuProductIds(storeId);
    const byCategory = new Map<string, MenuProduct[]>();
    for (const p of repo.allProducts()) {
      if (!ids.has(p.id)) continue;
      byCategory.set(p.categoryId, [...(byCategory.get(p.categoryId) ?? []), toMenuProduct(p)]);
    }
    const categories = repo
      .categories()
      .filter((c) => c.active && byCategory.has(c.id))
      .map((c) => ({ id: c.id, name: c.name, position: c.position, products: byCategory.get(c.id)! }));
    return { storeId, categories };
  }

  /** Prices a cart at a store for a shopper at `at`; throws the reason a shopper sees. */
  function price(customerId: string, body: QuoteBody, at: number): Priced {
    openStore(body.storeId);
    const onMenu = repo.menuProductIds(body.storeId);
    const lines: OrderLine[] = body.items.map((item) => {
      const p = repo.product(item.productId);
      if (!p) throw new AppError(ErrorCode.PRODUCT_NOT_FOUND, `Product ${item.productId} not found`);
      if (!onMenu.has(p.id)) throw new AppError(ErrorCode.PRODUCT_UNAVAILABLE, `${p.name} is not available at this store right now`, { productId: p.id });
      const r = priceLine({ id: p.id, name: p.name, priceVnd: p.priceVnd, optionGroups: groupsOf(p) }, item);
      if (!r.ok) throw new AppError(ErrorCode.OPTION_INVALID, r.problem.message, { productId: p.id });
      return r.line;
    });
    let voucher: VoucherRow | null = null;
    let discount = null;
    if (body.voucherId) {
      const { voucher: v, campaign } = syncStep(deps.vouchers.usableFor(customerId, body.voucherId, body.storeId, at));
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
  }

  function quote(customerId: string, body: QuoteBody): Quote {
    const { voucher: _v, ...q } = price(customerId, body, now());
    return q;
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
    thumbOf: (productId: string) => {
      const p = repo.product(productId);
      return p ? toMenuProduct(p).thumbUrl : null;
    },
  };
}

export type MenuService = ReturnType<typeof createMenuService>;
