import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { menuCategories, menuImages, productStores, products, stores } from "../../db/schema";

export type CategoryRow = typeof menuCategories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;

export function createMenuRepo(db: Db) {
  const c = db.$client;

  const category = (id: string) => db.select().from(menuCategories).where(eq(menuCategories.id, id)).get();
  const categories = () => db.select().from(menuCategories).orderBy(asc(menuCategories.position), asc(menuCategories.name)).all();
  const insertCategory = (row: typeof menuCategories.$inferInsert) => db.insert(menuCategories).values(row).run();
  const updateCategory = (id: string, set: Partial<typeof menuCategories.$inferInsert>) =>
    db.update(menuCategories).set(set).where(eq(menuCategories.id, id)).run();

  const product = (id: string) => db.select().from(products).where(eq(products.id, id)).get();
  const allProducts = () => db.select().from(products).orderBy(asc(products.position), asc(products.name)).all();
  const insertProduct = (row: typeof products.$inferInsert) => db.insert(products).values(row).run();
  const updateProduct = (id: string, set: Partial<typeof products.$inferInsert>) => db.update(products).set(set).where(eq(products.id, id)).run();

  const storesOf = (productId: string) =>
    db
      .select({ storeId: productStores.storeId, available: productStores.available })
      .from(productStores)
      .where(eq(productStores.productId, productId))
      .orderBy(asc(productStores.storeId))
      .all();

  /** Sets where a product is sold: stores dropped lose their row, new ones start available, kept ones keep their flag. */
  function setProductStores(productId: string, storeIds: string[], now: number) {
    const keep = new Set(storeIds);
    for (const s of storesOf(productId))
      if (!keep.has(s.storeId))
        db.delete(productStores)
          .where(and(eq(productStores.productId, productId), eq(productStores.storeId, s.storeId)))
          .run();
    for (const storeId of keep) db.insert(productStores).values({ productId, storeId, available: true, updatedAt: now }).onConflictDoNothing().run();
  }

  const setAvailable = (productId: string, storeId: string, available: boolean, now: number) =>
    db
      .update(productStores)
      .set({ available, updatedAt: now })
      .where(and(eq(productStores.productId, productId), eq(productStores.storeId, storeId)))
      .run().changes === 1;

  /** Products on a store's menu right now: active, in an active category, sold and available at the store. */
  const menuStmt = c.prepare(
    `select p.* from products p join product_stores ps on ps.product_id = p.id and ps.store_id = ? and ps.available = 1
     join menu_categories mc on mc.id = p.category_id and mc.active = 1 where p.active = 1`,
  );
  const menuProductIds = (storeId: string) => new Set((menuStmt.all(storeId) as { id: string }[]).map((r) => r.id));

  // ---- images ----
  /** Stores an image once (the same upload again keeps the first). */
  const insertImage = (row: typeof menuImages.$inferInsert) => db.insert(menuImages).values(row).onConflictDoNothing().run();
  const imageExists = (id: string) => !!db.select({ id: menuImages.id }).from(menuImages).where(eq(menuImages.id, id)).get();
  const imageMeta = (id: string) =>
    db.select({ id: menuImages.id, width: menuImages.width, height: menuImages.height }).from(menuImages).where(eq(menuImages.id, id)).get();
  const thumbStmt = c.prepare("select thumb as bytes from menu_images where id = ?");
  const largeStmt = c.prepare("select large as bytes from menu_images where id = ?");
  const imageBytes = (id: string, size: "thumb" | "large") => ((size === "thumb" ? thumbStmt : largeStmt).get(id) as { bytes: Buffer } | undefined)?.bytes;

  // ---- order ----
  const setCategoryPosition = (id: string, position: number, at: number) =>
    db.update(menuCategories).set({ position, updatedAt: at }).where(eq(menuCategories.id, id)).run();
  const setProductPosition = (id: string, position: number, at: number) =>
    db.update(products).set({ position, updatedAt: at }).where(eq(products.id, id)).run();

  const store = (id: string) => db.select().from(stores).where(eq(stores.id, id)).get();

  return {
    category,
    categories,
    insertCategory,
    updateCategory,
    product,
    allProducts,
    insertProduct,
    updateProduct,
    storesOf,
    setProductStores,
    setAvailable,
    menuProductIds,
    insertImage,
    imageExists,
    imageMeta,
    imageBytes,
    setCategoryPosition,
    setProductPosition,
    store,
  };
}

export type MenuRepo = ReturnType<typeof createMenuRepo>;
