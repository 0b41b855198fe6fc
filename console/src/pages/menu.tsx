import { useEffect, useRef, useState, type FormEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import { ArrowDown, ArrowLeft, ArrowUp, Eye, EyeOff, GripVertical, ImagePlus, Pencil, Plus, Save, Trash, X } from "lucide-react";
import { MenuCategoryInput, ProductInput, type AdminProduct, type AdminStore, type MenuCategory, type MenuImage, type OptionGroup } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { fmtVnd } from "@mc/web/format";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import { config } from "../config";
import { go } from "../routing";
import { Badge, Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";
import "./menu.css";

/**
 * #/menu and #/menu/<productId> (#/menu/new for a new one): the shop's menu. Categories and products in the order
 * shoppers see them, reordered by dragging a row's handle (or its up/down buttons, by keyboard) and saved in one
 * call; a product's editor with its picture (uploaded, resized by the server), option groups, and where it is sold
 * with the counter's sold-out state. Every form checks itself with the server's schema and says, next to the field
 * and in Vietnamese, what to fix; a save is one request, all or nothing.
 */
export function MenuPage({ id }: { id?: string }) {
  return id ? <ProductEditor key={id} id={id} /> : <MenuList />;
}

type MenuData = { categories: MenuCategory[]; products: AdminProduct[]; stores: AdminStore[] };
const loadMenu = async (): Promise<MenuData> => {
  const [c, p, s] = await Promise.all([
    api.get<{ categories: MenuCategory[] }>("/api/admin/menu/categories"),
    api.get<{ products: AdminProduct[] }>("/api/admin/menu/products"),
    api.get<{ stores: AdminStore[] }>("/api/admin/stores"),
  ]);
  return { categories: c.categories, products: p.products, stores: s.stores };
};

/** An image path the server gave (relative to the API), or a shop's own URL. */
export const imageSrc = (url: string | null) => (url && url.startsWith("/") ? `${config.apiUrl}${url}` : url);

const byPosition = <T extends { position: number; name: string }>(xs: T[]) =>
  [...xs].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name, "vi"));

/** Problems by field path ("optionGroups.0.options.1.name"), the first one per field. */
const byField = (problems: { field: string; text: string }[]) => {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, p.text);
  return out;
};
const serverProblems = (e: unknown) =>
  e instanceof ApiError && e.code === "VALIDATION_FAILED" ? byField(fieldProblems(e.details)) : new Map<string, string>();

function FieldError({ text, testId }: { text: string | null | undefined; testId: string }) {
  return text ? (
    <span className="mn-err" data-testid={`${testId}-error`}>
      {text}
    </span>
  ) : null;
}

// ---- dragging ----

/**
 * Reorders a list by dragging a row's handle with a pointer (mouse, pen or finger): the row under the pointer is
 * where it goes. The rows carry `data-drag-group` and `data-drag-id`; on release, `onDrop(from, to)` with indexes.
 */
function useDrag(group: string, ids: string[], onDrop: (from: number, to: number) => void) {
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const overRef = useRef<string | null>(null);
  const rowAt = (x: number, y: number) =>
    (document.elementFromPoint(x, y)?.closest(`[data-drag-group="${group}"]`) as HTMLElement | null)?.dataset.dragId ?? null;
  const handle = (id: string) => ({
    onPointerDown: (e: ReactPointerEvent<HTMLElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.currentTarget.setPointerCapture(e.pointerId);
      setDragging(id);
      overRef.current = id;
      setOver(id);
    },
    onPointerMove: (e: ReactPointerEvent<HTMLElement>) => {
      if (dragging !== id) return;
      const at = rowAt(e.clientX, e.clientY);
      if (at && at !== overRef.current) {
        overRef.current = at;
        setOver(at);
      }
    },
    onPointerUp: () => {
      if (dragging !== id) return;
      const to = overRef.current ? ids.indexOf(overRef.current) : -1;
      const from = ids.indexOf(id);
      setDragging(null);
      setOver(null);
      if (from >= 0 && to >= 0 && from !== to) onDrop(from, to);
    },
    onPointerCancel: () => {
      setDragging(null);
      setOver(null);
    },
  });
  const rowClass = (id: string) => (dragging === id ? " mn-dragging" : over === id && dragging !== null ? " mn-drop" : "");
  return { handle, rowClass };
}

const moved = <T,>(xs: T[], from: number, to: number) => {
  const out = [...xs];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x!);
  return out;
};

function MoveButtons({ index, count, onMove, what }: { index: number; count: number; onMove: (to: number) => void; what: string }) {
  return (
    <span className="mn-move">
      <button
        type="button"
        className="c-btn c-btn-ghost c-btn-sm c-btn-icon"
        disabled={index === 0}
        onClick={() => onMove(index - 1)}
        aria-label={`Đưa ${what} lên`}
        data-testid="move-up"
      >
        <ArrowUp size={15} />
      </button>
      <button
        type="button"
        className="c-btn c-btn-ghost c-btn-sm c-btn-icon"
        disabled={index === count - 1}
        onClick={() => onMove(index + 1)}
        aria-label={`Đưa ${what} xuống`}
        data-testid="move-down"
      >
        <ArrowDown size={15} />
      </button>
    </span>
  );
}

// ---- the list ----

function MenuList() {
  const menu = useLoad(loadMenu);
  const save = useAction();
  const [savedOrder, setSavedOrder] = useState(false);
  const data = menu.data;
  const categories = data ? byPosition(data.categories) : [];
  const productsOf = (categoryId: string) => (data ? byPosition(data.products.filter((p) => p.categoryId === categoryId)) : []);

  /** Saves the whole order at once; on a refusal (someone changed the menu meanwhile) the page reloads it. */
  async function saveOrder(order: { id: string; productIds: string[] }[]) {
    if (!data) return;
    setSavedOrder(false);
    // Shown at once; the server's answer replaces it.
    const rank = new Map(order.flatMap((c, i) => [[c.id, i] as const, ...c.productIds.map((p, k) => [p, k] as const)]));
    menu.setData({
      ...data,
      categories: data.categories.map((c) => ({ ...c, position: rank.get(c.id) ?? c.position })),
      products: data.products.map((p) => ({ ...p, position: rank.get(p.id) ?? p.position })),
    });
    const r = await save.run(() => api.put<{ categories: MenuCategory[]; products: AdminProduct[] }>("/api/admin/menu/order", { categories: order }));
    if (r) {
      menu.setData({ ...data, ...r });
      setSavedOrder(true);
    } else void menu.reload();
  }
  const currentOrder = () => categories.map((c) => ({ id: c.id, productIds: productsOf(c.id).map((p) => p.id) }));
  const moveCategory = (from: number, to: number) => void saveOrder(moved(currentOrder(), from, to));
  const moveProduct = (categoryId: string) => (from: number, to: number) =>
    void saveOrder(currentOrder().map((c) => (c.id === categoryId ? { ...c, productIds: moved(c.productIds, from, to) } : c)));
  const dragCategories = useDrag(
    "categories",
    categories.map((c) => c.id),
    moveCategory,
  );

  return (
    <div className="c-page mn-page" data-testid="menu-page">
      <div className="c-page-head">
        <div>
          <h1>Thực đơn</h1>
          <p className="c-muted">Danh mục và món theo thứ tự khách thấy trong mini app. Kéo biểu tượng ⋮⋮ (hoặc dùng nút lên/xuống) để sắp xếp.</p>
        </div>
        {data && data.categories.length > 0 ? (
          <button type="button" className="c-btn c-btn-primary" onClick={() => go("menu/new")} data-testid="product-new">
            <Plus size={16} /> Thêm món
          </button>
        ) : null}
      </div>
      {menu.error ? <ErrorBox error={menu.error} testId="menu-error" /> : null}
      <ErrorBox error={save.error} testId="menu-order-error" />
      {savedOrder && !save.busy ? (
        <p className="mn-saved" role="status" data-testid="menu-order-saved">
          Đã lưu thứ tự.
        </p>
      ) : null}
      {menu.loading && !data ? (
        <Spinner />
      ) : !data ? null : categories.length === 0 ? (
        <Card>
          <p className="c-empty" data-testid="menu-empty">
            Thực đơn còn trống: thêm danh mục đầu tiên (ví dụ “Cà phê”) bên dưới, rồi thêm món vào đó.
          </p>
        </Card>
      ) : (
        <div className="mn-categories">
          {categories.map((c, i) => (
            <section
              key={c.id}
              className={`c-card mn-category${dragCategories.rowClass(c.id)}`}
              data-drag-group="categories"
              data-drag-id={c.id}
              data-testid="menu-category"
              data-id={c.id}
            >
              <CategoryHead
                category={c}
                count={productsOf(c.id).length}
                drag={dragCategories.handle(c.id)}
                move={<MoveButtons index={i} count={categories.length} onMove={(to) => moveCategory(i, to)} what={`danh mục ${c.name}`} />}
                onSaved={(next) => menu.setData({ ...data, categories: data.categories.map((x) => (x.id === next.id ? next : x)) })}
              />
              <ProductRows categoryId={c.id} products={productsOf(c.id)} stores={data.stores} onMove={moveProduct(c.id)} />
            </section>
          ))}
        </div>
      )}
      {data ? <NewCategory position={categories.length} onCreated={(c) => menu.setData({ ...data, categories: [...data.categories, c] })} /> : null}
    </div>
  );
}

type DragHandle = ReturnType<ReturnType<typeof useDrag>["handle"]>;

function Grip({ drag, label }: { drag: DragHandle; label: string }) {
  return (
    <span className="mn-grip" {...drag} role="img" aria-label={label} title="Kéo để sắp xếp" data-testid="drag-handle">
      <GripVertical size={18} />
    </span>
  );
}

function CategoryHead(props: { category: MenuCategory; count: number; drag: DragHandle; move: ReactNode; onSaved: (c: MenuCategory) => void }) {
  const { category: c } = props;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(c.name);
  const [tried, setTried] = useState(false);
  const save = useAction();
  const draft = { name, position: c.position, active: c.active };
  const check = MenuCategoryInput.safeParse(draft);
  const problem = tried && !check.success ? byField(fieldProblems(check.error.issues.map(detailOfIssue))).get("name") : serverProblems(save.error).get("name");
  const put = async (body: typeof draft) => {
    const r = await save.run(() => api.put<MenuCategory>(`/api/admin/menu/categories/${c.id}`, MenuCategoryInput.parse(body)));
    if (r) {
      props.onSaved(r);
      setEditing(false);
      setTried(false);
    }
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (check.success) void put(draft);
  };
  return (
    <header className="mn-cat-head">
      <Grip drag={props.drag} label={`Kéo danh mục ${c.name}`} />
      {editing ? (
        <form className="mn-cat-rename" onSubmit={rename} noValidate>
          <label className={`c-field${problem ? " mn-bad" : ""}`}>
            <span className="c-label">Tên danh mục</span>
            <input className="c-input" value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="category-name" />
            <FieldError text={problem} testId="category-name" />
          </label>
          <button className="c-btn c-btn-primary c-btn-sm" disabled={save.busy} data-testid="category-save">
            <Save size={14} /> Lưu
          </button>
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm"
            onClick={() => {
              setEditing(false);
              setName(c.name);
              setTried(false);
            }}
          >
            <X size={14} /> Huỷ
          </button>
        </form>
      ) : (
        <div className="mn-cat-title">
          <h2 data-testid="category-title">{c.name}</h2>
          <span className="c-muted c-small">{props.count} món</span>
          {!c.active ? <Badge tone="muted">Đang ẩn</Badge> : null}
        </div>
      )}
      {!editing ? (
        <div className="mn-cat-actions">
          {props.move}
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm c-btn-icon"
            onClick={() => setEditing(true)}
            aria-label={`Đổi tên ${c.name}`}
            data-testid="category-edit"
          >
            <Pencil size={15} />
          </button>
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm c-btn-icon"
            onClick={() => void put({ name: c.name, position: c.position, active: !c.active })}
            aria-label={c.active ? `Ẩn danh mục ${c.name}` : `Hiện danh mục ${c.name}`}
            title={c.active ? "Ẩn khỏi mini app" : "Hiện trong mini app"}
            data-testid="category-toggle"
          >
            {c.active ? <EyeOff size={15} /> : <Eye size={15} />}
          </button>
        </div>
      ) : null}
      {save.error && !problem ? <ErrorBox error={save.error} testId="category-error" /> : null}
    </header>
  );
}

function ProductRows(props: { categoryId: string; products: AdminProduct[]; stores: AdminStore[]; onMove: (from: number, to: number) => void }) {
  const { products } = props;
  const drag = useDrag(
    `products-${props.categoryId}`,
    products.map((p) => p.id),
    props.onMove,
  );
  const storeName = new Map(props.stores.map((s) => [s.id, shortStore(s.name)]));
  if (products.length === 0)
    return (
      <p className="c-empty mn-no-products">
        Chưa có món nào. <a href={`#/menu/new?category=${props.categoryId}`}>Thêm món vào danh mục này</a>
      </p>
    );
  return (
    <ul className="mn-products">
      {products.map((p, i) => (
        <li
          key={p.id}
          className={`mn-product${drag.rowClass(p.id)}${p.active ? "" : " mn-inactive"}`}
          data-drag-group={`products-${props.categoryId}`}
          data-drag-id={p.id}
          data-testid="menu-product"
          data-id={p.id}
        >
          <Grip drag={drag.handle(p.id)} label={`Kéo món ${p.name}`} />
          <a className="mn-product-link" href={`#/menu/${p.id}`} data-testid="product-link">
            {p.thumbUrl ? (
              <img className="mn-thumb" src={imageSrc(p.thumbUrl)!} alt="" loading="lazy" />
            ) : (
              <span className="mn-thumb mn-thumb-none" aria-hidden />
            )}
            <span className="mn-product-main">
              <b data-testid="product-name">{p.name}</b>
              <span className="c-small c-muted">
                {fmtVnd(p.priceVnd)}
                {p.optionGroups.length ? ` · ${p.optionGroups.map((g) => g.name).join(", ")}` : ""}
              </span>
            </span>
          </a>
          <span className="mn-where" data-testid="product-stores">
            {!p.active ? <Badge tone="muted">Đang ẩn</Badge> : null}
            {p.stores.length === 0 ? <Badge tone="warn">Chưa bán ở cửa hàng nào</Badge> : null}
            {p.stores.map((s) => (
              <Badge key={s.storeId} tone={s.available ? "ok" : "bad"}>
                {storeName.get(s.storeId) ?? s.storeId}
                {s.available ? "" : ": hết hàng"}
              </Badge>
            ))}
          </span>
          <MoveButtons index={i} count={products.length} onMove={(to) => props.onMove(i, to)} what={`món ${p.name}`} />
        </li>
      ))}
    </ul>
  );
}

/** "Cà Phê Sài Gòn · Nguyễn Huệ" → "Nguyễn Huệ": the part that tells a shop's stores apart. */
const shortStore = (name: string) => name.split("·").at(-1)!.trim();

function NewCategory({ position, onCreated }: { position: number; onCreated: (c: MenuCategory) => void }) {
  const [name, setName] = useState("");
  const [tried, setTried] = useState(false);
  const add = useAction();
  const draft = { name, position, active: true };
  const check = MenuCategoryInput.safeParse(draft);
  const problem = tried && !check.success ? byField(fieldProblems(check.error.issues.map(detailOfIssue))).get("name") : serverProblems(add.error).get("name");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!check.success) return;
    const r = await add.run(() => api.post<MenuCategory>("/api/admin/menu/categories", check.data));
    if (r) {
      onCreated(r);
      setName("");
      setTried(false);
    }
  };
  return (
    <Card title="Thêm danh mục">
      <form className="c-row mn-new-cat" onSubmit={submit} noValidate>
        <label className={`c-field c-field-wide${problem ? " mn-bad" : ""}`}>
          <span className="c-label">Tên danh mục</span>
          <input className="c-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Trà trái cây" data-testid="category-new-name" />
          <FieldError text={problem} testId="category-new-name" />
        </label>
        <button className="c-btn c-btn-primary" disabled={add.busy} data-testid="category-new-submit">
          <Plus size={16} /> Thêm
        </button>
      </form>
      {add.error && !problem ? <ErrorBox error={add.error} testId="category-new-error" /> : null}
    </Card>
  );
}

// ---- a product's editor ----

type Draft = ProductInput;
const draftOf = (p: AdminProduct): Draft => ({
  categoryId: p.categoryId,
  name: p.name,
  description: p.description,
  priceVnd: p.priceVnd,
  imageId: p.imageId,
  // A picture kept elsewhere stays as it is (the console uploads; it never asks for a URL).
  imageUrl: p.imageId ? null : p.imageUrl,
  optionGroups: p.optionGroups,
  storeIds: p.stores.map((s) => s.storeId),
  active: p.active,
});
const blank = (categoryId: string, storeIds: string[]): Draft => ({
  categoryId,
  name: "",
  description: "",
  priceVnd: 0,
  imageId: null,
  imageUrl: null,
  optionGroups: [],
  storeIds,
  active: true,
});
/** An id for a new group or option: unique within the product, which is all the schema asks. */
const newId = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const LABELS: Record<string, string> = {
  name: "Tên món",
  description: "Mô tả",
  priceVnd: "Giá",
  categoryId: "Danh mục",
  imageUrl: "Ảnh",
  imageId: "Ảnh",
  optionGroups: "Nhóm tùy chọn",
  "optionGroups.*.name": "Tên nhóm",
  "optionGroups.*.max": "Chọn tối đa",
  "optionGroups.*.options": "Các lựa chọn",
  "optionGroups.*.options.*.name": "Tên lựa chọn",
  "optionGroups.*.options.*.priceDeltaVnd": "Giá thêm",
  storeIds: "Cửa hàng",
};

function ProductEditor({ id }: { id: string }) {
  const isNew = id === "new";
  const menu = useLoad(loadMenu, [id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const save = useAction();
  const upload = useAction();
  const availability = useAction();
  const product = isNew ? null : (menu.data?.products.find((p) => p.id === id) ?? null);

  useEffect(() => {
    if (!menu.data || draft) return;
    if (product) {
      setDraft(draftOf(product));
      setPreview(product.imageUrl);
    } else if (isNew) {
      const wanted = new URLSearchParams(window.location.hash.split("?")[1] ?? "").get("category");
      const first = byPosition(menu.data.categories)[0]?.id ?? "";
      const categoryId = menu.data.categories.some((c) => c.id === wanted) ? wanted! : first;
      setDraft(
        blank(
          categoryId,
          menu.data.stores.filter((s) => s.active).map((s) => s.id),
        ),
      );
    }
  }, [menu.data, product, isNew, draft]);

  const back = (
    <a href="#/menu" className="c-back">
      <ArrowLeft size={16} /> Thực đơn
    </a>
  );
  if (menu.error && !menu.data)
    return (
      <div className="c-page">
        {back}
        <ErrorBox error={menu.error} testId="product-load-error" />
      </div>
    );
  if (!menu.data)
    return (
      <div className="c-page">
        <Spinner />
      </div>
    );
  if (!isNew && !product)
    return (
      <div className="c-page" data-testid="product-not-found">
        {back}
        <div className="c-error" role="alert">
          <div className="c-error-msg">Không tìm thấy món này.</div>
        </div>
      </div>
    );
  if (isNew && menu.data.categories.length === 0)
    return (
      <div className="c-page">
        {back}
        <Card>
          <p className="c-empty">Hãy thêm một danh mục trước khi thêm món.</p>
        </Card>
      </div>
    );
  if (!draft)
    return (
      <div className="c-page">
        <Spinner />
      </div>
    );

  const { categories, stores } = menu.data;
  const check = ProductInput.safeParse(draft);
  const local = check.success ? new Map<string, string>() : byField(fieldProblems(check.error.issues.map(detailOfIssue)));
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : serverProblems(save.error);
  const err = (path: string) => problems.get(path) ?? null;
  const dirty = isNew || JSON.stringify(draftOf(product!)) !== JSON.stringify(draft);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setSavedAt(null);
  };
  const setGroup = (i: number, g: OptionGroup | null) =>
    set({ optionGroups: g ? draft.optionGroups.map((x, j) => (j === i ? g : x)) : draft.optionGroups.filter((_, j) => j !== i) });

  const onPick = async (file: File | undefined) => {
    if (!file) return;
    const r = await upload.run(() => api.post<MenuImage>("/api/admin/menu/images", file));
    if (r) {
      set({ imageId: r.id, imageUrl: null });
      setPreview(r.largeUrl);
    }
  };

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!check.success) return;
    const r = await save.run(() =>
      isNew ? api.post<AdminProduct>("/api/admin/menu/products", check.data) : api.put<AdminProduct>(`/api/admin/menu/products/${id}`, check.data),
    );
    if (!r) return;
    setTried(false);
    if (isNew) return go(`menu/${r.id}`);
    menu.setData({ ...menu.data!, products: menu.data!.products.map((p) => (p.id === r.id ? r : p)) });
    setDraft(draftOf(r));
    setSavedAt(Date.now());
  };

  /** The counter's sold-out switch, from here too (an owner acts at every store). */
  const setAvailable = async (storeId: string, available: boolean) => {
    const r = await availability.run(() => api.put(`/api/staff/stores/${encodeURIComponent(storeId)}/products/${id}/availability`, { available }));
    if (r) void menu.reload();
  };
  const soldAt = new Map(product?.stores.map((s) => [s.storeId, s.available]) ?? []);

  return (
    <form className="c-page mn-editor" onSubmit={onSave} noValidate data-testid="product-editor">
      {back}
      <div className="c-page-head">
        <div>
          <h1 data-testid="product-title">{isNew ? "Món mới" : product!.name}</h1>
          {!isNew ? <p className="c-muted">Đường dẫn cố định của món: #/menu/{id}</p> : null}
        </div>
      </div>

      <div className="mn-editor-grid">
        <Card title="Thông tin">
          <div className="mn-fields">
            <Field label="Tên món" error={err("name")} testId="product-name">
              <input className="c-input" value={draft.name} onChange={(e) => set({ name: e.target.value })} data-testid="product-name" />
            </Field>
            <Field label="Danh mục" error={err("categoryId")} testId="product-category">
              <select className="c-input" value={draft.categoryId} onChange={(e) => set({ categoryId: e.target.value })} data-testid="product-category">
                {byPosition(categories).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Giá (đồng)" hint={fmtVnd(draft.priceVnd || 0)} error={err("priceVnd")} testId="product-price">
              <input
                className="c-input"
                type="number"
                inputMode="numeric"
                min={0}
                step={1000}
                value={Number.isFinite(draft.priceVnd) ? draft.priceVnd : ""}
                onChange={(e) => set({ priceVnd: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
                data-testid="product-price"
              />
            </Field>
            <Field label="Mô tả" error={err("description")} testId="product-description" wide>
              <textarea
                className="c-input c-textarea"
                rows={2}
                value={draft.description}
                onChange={(e) => set({ description: e.target.value })}
                data-testid="product-description"
              />
            </Field>
          </div>
          <label className="c-check">
            <input type="checkbox" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} data-testid="product-active" />
            <span>
              <b>Đang bán</b>
              <span className="c-hint">Bỏ chọn để ẩn món khỏi mini app ở mọi cửa hàng.</span>
            </span>
          </label>
        </Card>

        <Card title="Ảnh">
          <div className="mn-image">
            {preview ? (
              <img className="mn-image-preview" src={imageSrc(preview)!} alt={`Ảnh ${draft.name}`} data-testid="product-image" />
            ) : (
              <div className="mn-image-preview mn-thumb-none" data-testid="product-no-image">
                Chưa có ảnh
              </div>
            )}
            <div className="mn-image-actions">
              <label className="c-btn c-btn-ghost mn-upload">
                <ImagePlus size={16} /> {upload.busy ? "Đang tải ảnh…" : preview ? "Đổi ảnh" : "Tải ảnh lên"}
                <input
                  type="file"
                  accept="image/jpeg,image/png,image/webp,image/gif"
                  className="mn-file"
                  onChange={(e) => {
                    void onPick(e.target.files?.[0]);
                    e.target.value = "";
                  }}
                  disabled={upload.busy}
                  data-testid="product-image-file"
                />
              </label>
              {preview ? (
                <button
                  type="button"
                  className="c-btn c-btn-ghost c-btn-sm"
                  onClick={() => {
                    set({ imageId: null, imageUrl: null });
                    setPreview(null);
                  }}
                  data-testid="product-image-remove"
                >
                  <Trash size={14} /> Bỏ ảnh
                </button>
              ) : null}
              <span className="c-hint">JPEG, PNG, WebP hoặc GIF, tối đa 8 MB. Máy chủ tự cắt ảnh vuông cho thẻ món và một ảnh lớn cho trang chi tiết.</span>
              <FieldError text={err("imageId") ?? err("imageUrl")} testId="product-image" />
            </div>
          </div>
          <ErrorBox error={upload.error} testId="product-image-upload-error" />
        </Card>
      </div>

      <Card title="Bán ở cửa hàng">
        <p className="c-hint mn-hint">Chọn nơi bán món này. Nhân viên đánh dấu hết hàng tại quầy; bạn cũng có thể đổi ở đây.</p>
        <ul className="mn-stores">
          {stores.map((s) => {
            const sold = draft.storeIds.includes(s.id);
            const available = soldAt.get(s.id);
            return (
              <li key={s.id} className="mn-store" data-testid="product-store" data-store={s.id}>
                <label className="c-check">
                  <input
                    type="checkbox"
                    checked={sold}
                    onChange={(e) => set({ storeIds: e.target.checked ? [...draft.storeIds, s.id] : draft.storeIds.filter((x) => x !== s.id) })}
                    data-testid={`product-store-${s.id}`}
                  />
                  <span>
                    <b>{s.name}</b>
                    {!s.active ? <span className="c-hint">Cửa hàng đang tạm đóng</span> : null}
                  </span>
                </label>
                {available !== undefined && sold ? (
                  <span className="mn-store-state">
                    {available ? (
                      <Badge tone="ok" testId={`product-available-${s.id}`}>
                        Còn hàng
                      </Badge>
                    ) : (
                      <Badge tone="bad" testId={`product-available-${s.id}`}>
                        Hết hàng (quầy đánh dấu)
                      </Badge>
                    )}
                    <button
                      type="button"
                      className="c-btn c-btn-ghost c-btn-sm"
                      disabled={availability.busy}
                      onClick={() => void setAvailable(s.id, !available)}
                      data-testid={`product-availability-${s.id}`}
                    >
                      {available ? "Đánh dấu hết hàng" : "Bán lại"}
                    </button>
                  </span>
                ) : sold && available === undefined && !isNew ? (
                  <span className="c-hint">Bắt đầu bán sau khi lưu</span>
                ) : null}
              </li>
            );
          })}
        </ul>
        <FieldError text={err("storeIds")} testId="product-stores" />
        <ErrorBox error={availability.error} testId="product-availability-error" />
      </Card>

      <Card
        title="Tùy chọn"
        actions={
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm"
            onClick={() =>
              set({
                optionGroups: [
                  ...draft.optionGroups,
                  { id: newId("g"), name: "", kind: "one", required: false, max: null, options: [{ id: newId("o"), name: "", priceDeltaVnd: 0 }] },
                ],
              })
            }
            data-testid="group-add"
          >
            <Plus size={14} /> Thêm nhóm tùy chọn
          </button>
        }
      >
        <p className="c-hint mn-hint">Ví dụ: Size (chọn một: M, L +6.000đ), Topping (chọn nhiều: trân châu +5.000đ).</p>
        <FieldError text={err("optionGroups")} testId="product-groups" />
        {draft.optionGroups.length === 0 ? <p className="c-empty">Món này không có tùy chọn.</p> : null}
        <div className="mn-groups">
          {draft.optionGroups.map((g, i) => (
            <GroupEditor key={g.id} index={i} group={g} onChange={(next) => setGroup(i, next)} err={err} />
          ))}
        </div>
      </Card>

      <div className="mn-save">
        {tried && local.size > 0 ? (
          <span className="mn-err" role="alert" data-testid="product-problems">
            Còn {local.size} chỗ cần sửa (đánh dấu đỏ).
          </span>
        ) : null}
        {save.error && !(tried && local.size > 0) ? <ErrorBox error={save.error} testId="product-save-error" fields={LABELS} /> : null}
        {savedAt && !dirty ? (
          <span className="mn-saved" role="status" data-testid="product-saved">
            Đã lưu.
          </span>
        ) : null}
        <button className="c-btn c-btn-primary" disabled={save.busy || upload.busy || !dirty} data-testid="product-save">
          <Save size={16} /> {save.busy ? "Đang lưu…" : isNew ? "Thêm món" : "Lưu thay đổi"}
        </button>
      </div>
    </form>
  );
}

function GroupEditor(props: { index: number; group: OptionGroup; onChange: (g: OptionGroup | null) => void; err: (path: string) => string | null }) {
  const { group: g, index: i, err, onChange } = props;
  const path = `optionGroups.${i}`;
  const setOption = (k: number, o: OptionGroup["options"][number] | null) =>
    onChange({ ...g, options: o ? g.options.map((x, j) => (j === k ? o : x)) : g.options.filter((_, j) => j !== k) });
  return (
    <div className="mn-group" data-testid="option-group">
      <div className="mn-group-head">
        <Field label="Tên nhóm" error={err(`${path}.name`)} testId={`group-${i}-name`}>
          <input
            className="c-input"
            value={g.name}
            onChange={(e) => onChange({ ...g, name: e.target.value })}
            placeholder="Ví dụ: Size"
            data-testid={`group-${i}-name`}
          />
        </Field>
        <Field label="Cách chọn" error={err(`${path}.kind`)} testId={`group-${i}-kind`}>
          <select
            className="c-input"
            value={g.kind}
            onChange={(e) => onChange({ ...g, kind: e.target.value as OptionGroup["kind"], max: null })}
            data-testid={`group-${i}-kind`}
          >
            <option value="one">Chọn một</option>
            <option value="many">Chọn nhiều</option>
          </select>
        </Field>
        {g.kind === "many" ? (
          <Field label="Chọn tối đa (để trống: không giới hạn)" error={err(`${path}.max`)} testId={`group-${i}-max`}>
            <input
              className="c-input c-num"
              type="number"
              min={1}
              value={g.max ?? ""}
              onChange={(e) => onChange({ ...g, max: e.target.value === "" ? null : Number(e.target.value) })}
              data-testid={`group-${i}-max`}
            />
          </Field>
        ) : (
          <label className="c-check mn-required">
            <input type="checkbox" checked={g.required} onChange={(e) => onChange({ ...g, required: e.target.checked })} data-testid={`group-${i}-required`} />
            <span>Bắt buộc chọn</span>
          </label>
        )}
        <button
          type="button"
          className="c-btn c-btn-ghost c-btn-sm mn-remove"
          onClick={() => onChange(null)}
          aria-label={`Xoá nhóm ${g.name || i + 1}`}
          data-testid={`group-${i}-remove`}
        >
          <Trash size={14} />
        </button>
      </div>
      <FieldError text={err(`${path}.options`)} testId={`group-${i}-options`} />
      <ul className="mn-options">
        {g.options.map((o, k) => (
          <li key={o.id} className="mn-option">
            <Field label="Lựa chọn" error={err(`${path}.options.${k}.name`)} testId={`group-${i}-option-${k}-name`}>
              <input
                className="c-input"
                value={o.name}
                onChange={(e) => setOption(k, { ...o, name: e.target.value })}
                placeholder="Ví dụ: Trân châu"
                data-testid={`group-${i}-option-${k}-name`}
              />
            </Field>
            <Field label="Giá thêm (đồng)" error={err(`${path}.options.${k}.priceDeltaVnd`)} testId={`group-${i}-option-${k}-price`}>
              <input
                className="c-input c-num"
                type="number"
                step={1000}
                value={Number.isFinite(o.priceDeltaVnd) ? o.priceDeltaVnd : ""}
                onChange={(e) => setOption(k, { ...o, priceDeltaVnd: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
                data-testid={`group-${i}-option-${k}-price`}
              />
            </Field>
            <button
              type="button"
              className="c-btn c-btn-ghost c-btn-sm mn-remove"
              onClick={() => setOption(k, null)}
              aria-label={`Xoá lựa chọn ${o.name || k + 1}`}
              data-testid={`group-${i}-option-${k}-remove`}
            >
              <X size={14} />
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="c-btn c-btn-ghost c-btn-sm"
        onClick={() => onChange({ ...g, options: [...g.options, { id: newId("o"), name: "", priceDeltaVnd: 0 }] })}
        data-testid={`group-${i}-option-add`}
      >
        <Plus size={14} /> Thêm lựa chọn
      </button>
    </div>
  );
}

function Field(props: { label: string; hint?: string; error: string | null; testId: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`c-field${props.wide ? " c-field-wide" : ""}${props.error ? " mn-bad" : ""}`}>
      <span className="c-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="c-hint">{props.hint}</span> : null}
      <FieldError text={props.error} testId={props.testId} />
    </label>
  );
}
