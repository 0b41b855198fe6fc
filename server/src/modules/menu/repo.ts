import { rowReader } from "../../db/rows";
import { menuCategories, menuImages, products, stores } from "../../db/schema";
import { q, type Store, mapStep } from "../../db/store";
import { rowInserter, rowUpdater } from "../orders/rows-repo";

export type CategoryRow = typeof menuCategories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;

export function createMenuRepo(store: Store) {
  const categoryRow = rowReader(menuCategories);
  const productRow = rowReader(products);
  const storeRow = rowReader(stores);
  const reader = <T>(read: (r: unknown[] | undefined) => T | undefined, sql: string) => {
    const stmt = store.prepare(sql, "array");
    return {
      one: (...p: unknown[]) => mapStep(stmt.get(...p), (r) => read(r)),
      all: (...p: unknown[]) => mapStep(stmt.all(...p), (rows) => rows.map((r) => read(r)!)),
    };
  };

  const categoryStmt = reader((r) => categoryRow.read(r), `${categoryRow.selectAll} where id = ?`);
  const categoriesStmt = reader((r) => categoryRow.read(r), `${categoryRow.selectAll} order by position, name`);
  const category = (id: string) => categoryStmt.one(id);
  const categories = () => categoriesStmt.all();
  const insertCategory = rowInserter(store, menuCategories);
  const updateCategory = rowUpdater(store, menuCategories, "id");

  const productStmt = reader((r) => productRow.read(r), `${productRow.selectAll} where id = ?`);
  const allProductsStmt = reader((r) => productRow.read(r), `${productRow.selectAll} order by position, name`);
  const product = (id: string) => productStmt.one(id);
  const allProducts = () => allProductsStmt.all();
  const insertProduct = rowInserter(store, products);
  const updateProduct = rowUpdater(store, products, "id");

  const storesOfStmt = store.prepare<[string, unknown]>("select store_id, available from product_stores where product_id = ? order by store_id", "array");
  // PostgreSQL gives a boolean, SQLite 1/0.
  const storesOf = (productId: string) =>
    mapStep(storesOfStmt.all(productId), (rows) => rows.map(([storeId, available]) => ({ storeId, available: available === true || available === 1 })));

  const dropStoreStmt = store.prepare("delete from product_stores where product_id = ? and store_id = ?");
  const addStoreStmt = store.prepare("insert into product_stores (product_id, store_id, available, updated_at) values (?, ?, ?, ?) on conflict do nothing");
  /** Sets where a product is sold: stores dropped lose their row, new ones start available, kept ones keep their flag. */
  const setProductStores = (productId: string, storeIds: string[], now: number) =>
    store.join(function* () {
      const keep = new Set(storeIds);
      for (const s of yield* q(storesOf(productId))) if (!keep.has(s.storeId)) yield* q(dropStoreStmt.run(productId, s.storeId));
      // In id order: two saves of one product take the rows' locks in the same order (docs/database-layer.md).
      for (const storeId of [...keep].sort()) yield* q(addStoreStmt.run(productId, storeId, 1, now));
    });

  const setAvailableStmt = store.prepare("update product_stores set available = ?, updated_at = ? where product_id = ? and store_id = ?");
  const setAvailable = (productId: string, storeId: string, available: boolean, now: number) =>
    mapStep(setAvailableStmt.run(available ? 1 : 0, now, productId, storeId), (r) => r.changes === 1);

  /** Products on a store's menu right now: active, in an active category, sold and available at the store. */
  const menuStmt = store.prepare<string>(
    `select p.id from products p join product_stores ps on ps.product_id = p.id and ps.store_id = ? and ps.available = ?
     join menu_categories mc on mc.id = p.category_id and mc.active = ? where p.active = ?`,
    "pluck",
  );
  const menuProductIds = (storeId: string) => mapStep(menuStmt.all(storeId, 1, 1, 1), (ids) => new Set(ids));

  // ---- images ----
  /** Stores an image once (the same upload again keeps the first). */
  const insertImage = rowInserter(store, menuImages, { onConflictDoNothing: true });
  const imageExistsStmt = store.prepare<string>("select id from menu_images where id = ?", "pluck");
  const imageExists = (id: string) => mapStep(imageExistsStmt.get(id), (v) => v !== undefined);
  const imageMetaStmt = store.prepare<{ id: string; width: number; height: number }>("select id, width, height from menu_images where id = ?");
  const imageMeta = (id: string) => imageMetaStmt.get(id);
  const thumbStmt = store.prepare<Buffer>("select thumb from menu_images where id = ?", "pluck");
  const largeStmt = store.prepare<Buffer>("select large from menu_images where id = ?", "pluck");
  const imageBytes = (id: string, size: "thumb" | "large") => (size === "thumb" ? thumbStmt : largeStmt).get(id);

  // ---- order ----
  const categoryPositionStmt = store.prepare("update menu_categories set position = ?, updated_at = ? where id = ?");
  const productPositionStmt = store.prepare("update products set position = ?, updated_at = ? where id = ?");
  const setCategoryPosition = (id: string, position: number, at: number) => categoryPositionStmt.run(position, at, id);
  const setProductPosition = (id: string, position: number, at: number) => productPositionStmt.run(position, at, id);

  const storeStmt = reader((r) => storeRow.read(r), `${storeRow.selectAll} where id = ?`);
  const storeById = (id: string) => storeStmt.one(id);

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
    store: storeById,
  };
}

export type MenuRepo = ReturnType<typeof createMenuRepo>;
