import { useState } from "react";
import { Check, Minus, Plus, X } from "lucide-react";
import type { MenuProduct, OptionGroup } from "@mc/shared";
import { fmtVnd } from "@mc/web/format";
import { MAX_QTY } from "../../../lib/cart";
import { defaultOptions, deltaLabel, missingGroup, unitPriceOf } from "../api";
import { ProductImage } from "../../../components/product-image";

export type SheetPick = { optionIds: string[]; optionNames: string[]; quantity: number; unitPriceVnd: number };

function groupHint(g: OptionGroup) {
  if (g.kind === "one") return g.required ? "Bắt buộc · chọn 1" : "Không bắt buộc · chọn 1";
  return g.max ? `Chọn tối đa ${g.max}` : "Chọn nhiều";
}

/** A product's options (size: one of; toppings: many of) and quantity, then "add to cart". */
export function ProductSheet({ product, onAdd, onClose }: { product: MenuProduct; onAdd: (pick: SheetPick) => void; onClose: () => void }) {
  const [picked, setPicked] = useState<string[]>(() => defaultOptions(product.optionGroups));
  const [qty, setQty] = useState(1);
  const unit = unitPriceOf(product, picked);
  const missing = missingGroup(product.optionGroups, picked);

  function toggle(g: OptionGroup, optionId: string) {
    setPicked((cur) => {
      const inGroup = new Set(g.options.map((o) => o.id));
      const has = cur.includes(optionId);
      if (g.kind === "one") {
        const rest = cur.filter((id) => !inGroup.has(id));
        return has && !g.required ? rest : [...rest, optionId];
      }
      if (has) return cur.filter((id) => id !== optionId);
      if (g.max !== null && cur.filter((id) => inGroup.has(id)).length >= g.max) return cur;
      return [...cur, optionId];
    });
  }

  function add() {
    // Options in menu order, so the same picks always read the same in the cart.
    const all = product.optionGroups.flatMap((g) => g.options);
    const ordered = all.filter((o) => picked.includes(o.id));
    onAdd({ optionIds: ordered.map((o) => o.id), optionNames: ordered.map((o) => o.name), quantity: qty, unitPriceVnd: unit });
  }

  return (
    <div className="ord-sheet-backdrop" onClick={onClose}>
      <div className="ord-sheet" role="dialog" aria-modal="true" aria-label={product.name} onClick={(e) => e.stopPropagation()} data-testid="product-sheet">
        <button className="ord-sheet-close" onClick={onClose} aria-label="Đóng">
          <X size={20} />
        </button>
        <div className="ord-sheet-hero">
          <ProductImage src={product.imageUrl} name={product.name} size="fill" radius={0} />
        </div>
        <div className="ord-sheet-body">
          <h2>{product.name}</h2>
          {product.description ? <p className="ord-sheet-desc">{product.description}</p> : null}
          <b className="ord-sheet-price">{fmtVnd(product.priceVnd)}</b>
          {product.optionGroups.map((g) => (
            <fieldset key={g.id} className="ord-group" data-testid={`group-${g.id}`}>
              <legend>
                <span>{g.name}</span>
                <small className={g.required ? "req" : ""}>{groupHint(g)}</small>
              </legend>
              {g.options.map((o) => {
                const on = picked.includes(o.id);
                return (
                  <button
                    key={o.id}
                    type="button"
                    role={g.kind === "one" ? "radio" : "checkbox"}
                    aria-checked={on}
                    className={`ord-option${on ? " on" : ""} kind-${g.kind}`}
                    onClick={() => toggle(g, o.id)}
                    data-testid={`option-${o.id}`}
                  >
                    <span className="ord-tick">{on ? <Check size={14} strokeWidth={3} /> : null}</span>
                    <span className="ord-option-name">{o.name}</span>
                    <span className="ord-option-delta">{deltaLabel(o.priceDeltaVnd)}</span>
                  </button>
                );
              })}
            </fieldset>
          ))}
        </div>
        <div className="ord-sheet-foot">
          <div className="ord-stepper" aria-label="Số lượng">
            <button onClick={() => setQty((q) => Math.max(1, q - 1))} disabled={qty <= 1} aria-label="Bớt" data-testid="qty-minus">
              <Minus size={18} />
            </button>
            <span data-testid="qty">{qty}</span>
            <button onClick={() => setQty((q) => Math.min(MAX_QTY, q + 1))} disabled={qty >= MAX_QTY} aria-label="Thêm" data-testid="qty-plus">
              <Plus size={18} />
            </button>
          </div>
          <button className="mc-btn primary" onClick={add} disabled={!!missing} data-testid="add-to-cart">
            {missing ? `Chọn ${missing.name.toLowerCase()}` : `Thêm · ${fmtVnd(unit * qty)}`}
          </button>
        </div>
      </div>
    </div>
  );
}
