import { randomUUID } from "node:crypto";
import { cartDeepLink, ErrorCode, type CartItem, type CartPutBody, type SavedCart, type SavedCartLine } from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { AutomationEvent } from "../automations/service";
import type { MenuService } from "../menu/service";
import type { CartRepo, CartRow } from "./repo";

const MAX_QTY = 50;
const ITEMS_TEXT_MAX = 300;
/** The abandoned-cart timers of one cart: each version is its own occurrence (`cart:<id>:v<version>`). */
const keyPrefix = (cartId: string) => `cart:${cartId}:`;

/** The same product with the same options is one line (options as a set); quantities add up, capped. */
function normalise(items: CartItem[]): CartItem[] {
  const byKey = new Map<string, CartItem>();
  for (const it of items) {
    const optionIds = [...it.optionIds].sort();
    const key = `${it.productId}|${optionIds.join(",")}`;
    const prev = byKey.get(key);
    byKey.set(key, { productId: it.productId, optionIds, quantity: Math.min(MAX_QTY, (prev?.quantity ?? 0) + it.quantity) });
  }
  return [...byKey.values()];
}
const itemsKey = (items: Pick<CartItem, "productId" | "optionIds" | "quantity">[]) => JSON.stringify(items.map((i) => [i.productId, i.optionIds, i.quantity]));

/** "2× Cà phê sữa đá (Size L), 1× Trà đào", clipped for a chat message. */
function itemsText(lines: SavedCartLine[]): string {
  const s = lines.map((l) => `${l.quantity}× ${l.name}${l.optionNames.length ? ` (${l.optionNames.join(", ")})` : ""}`).join(", ");
  return s.length > ITEMS_TEXT_MAX ? `${s.slice(0, ITEMS_TEXT_MAX - 1)}…` : s;
}

/**
 * The shopper's carts, one per store, kept on the server. Rules (carts.test.ts):
 * - Items are checked and priced by the menu module (on the menu at that store, options valid); the client's
 *   names and prices are never taken. A cart that does not change (a retried save) changes nothing.
 * - Each change is a new version and an `cart_abandoned` event for it; the previous version's waiting reminder
 *   ends (CART_CHANGED), so the wait restarts and the reminder goes once per abandonment. An emptied cart ends it
 *   (CART_EMPTIED) and so does an order at that store (ORDER_PLACED), in the order's own transaction.
 */
export function createCartService(deps: {
  store: Store;
  repo: CartRepo;
  menu: Pick<MenuService, "price" | "thumbOf">;
  storeName: (storeId: string) => Awaitable<string | null | undefined>;
  /** Inside the cart's transaction (a step on either database once the automations module is ported). */
  automations: {
    onEvent: (e: AutomationEvent) => Awaitable<unknown>;
    cancelWaiting: (p: { trigger: "cart_abandoned"; customerId: string; keyPrefix: string; reason: string }) => Awaitable<unknown>;
  };
  /** The mini app's id in deep links (`https://zalo.me/s/<id>/…`). */
  miniAppId: string;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  function view(r: CartRow): SavedCart {
    return { storeId: r.store_id, version: r.version, lines: JSON.parse(r.lines) as SavedCartLine[], updatedAt: new Date(r.updated_at).toISOString() };
  }

  /** A step: inside the caller's transaction (an order's), or one of its own. */
  const end = (customerId: string, storeId: string, reason: "CART_EMPTIED" | "ORDER_PLACED") =>
    store.join(function* () {
      const r = yield* q(repo.one(customerId, storeId));
      if (!r) return;
      yield* q(repo.remove(customerId, storeId));
      yield* q(deps.automations.cancelWaiting({ trigger: "cart_abandoned", customerId, keyPrefix: keyPrefix(r.id), reason }));
    });

  /** Saves a shopper's cart at a store (an empty one deletes it); the saved cart, or null. */
  async function save(customerId: string, storeId: string, body: CartPutBody): Promise<SavedCart | null> {
    const storeName = await deps.storeName(storeId);
    if (storeName == null) throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${storeId} not found`);
    const items = normalise(body.items);
    if (items.length === 0) {
      await store.tx(function* () {
        yield* q(end(customerId, storeId, "CART_EMPTIED"));
      });
      return null;
    }
    const at = now();
    // Throws the reason a shopper sees (PRODUCT_UNAVAILABLE, OPTION_INVALID, STORE_UNAVAILABLE…) before anything is written.
    const priced = await deps.menu.price(customerId, { storeId, items }, at);
    const thumbs = await Promise.all(items.map((it) => deps.menu.thumbOf(it.productId)));
    const lines: SavedCartLine[] = items.map((it, i) => {
      const p = priced.lines[i]!;
      return {
        productId: it.productId,
        optionIds: it.optionIds,
        quantity: it.quantity,
        name: p.name,
        optionNames: p.options.map((o) => o.name),
        unitPriceVnd: p.unitPriceVnd,
        imageUrl: thumbs[i]!,
      };
    });
    const json = JSON.stringify(lines);
    const row = await store.tx(function* (): Step<CartRow> {
      const cur = yield* q(repo.one(customerId, storeId));
      if (cur && itemsKey(JSON.parse(cur.lines) as SavedCartLine[]) === itemsKey(items)) return cur;
      let id: string;
      if (cur) {
        id = cur.id;
        if (!(yield* q(repo.update({ id, version: cur.version, lines: json, now: at })))) throw new Error("cart changed inside its own transaction");
        yield* q(deps.automations.cancelWaiting({ trigger: "cart_abandoned", customerId, keyPrefix: keyPrefix(id), reason: "CART_CHANGED" }));
      } else {
        id = randomUUID();
        yield* q(repo.insert({ id, customerId, storeId, lines: json, now: at }));
      }
      const saved = (yield* q(repo.one(customerId, storeId)))!;
      yield* q(
        deps.automations.onEvent({
          trigger: "cart_abandoned",
          customerId,
          occurrenceKey: `${keyPrefix(id)}v${saved.version}`,
          vars: { items: itemsText(lines), store: storeName, link: cartDeepLink(deps.miniAppId, storeId) },
        }),
      );
      return saved;
    });
    return view(row);
  }

  return {
    save,
    mine: async (customerId: string) => (await repo.mine(customerId)).map(view),
    /** The orders module placed an order at this store: the cart is done and its reminder with it (inside the order's transaction). */
    ordered: (customerId: string, storeId: string) => end(customerId, storeId, "ORDER_PLACED"),
    /** The person's data was erased (inside the erasure's transaction; their timers end there too). */
    forget: (customerId: string) => repo.forget(customerId),
  };
}

export type CartService = ReturnType<typeof createCartService>;
