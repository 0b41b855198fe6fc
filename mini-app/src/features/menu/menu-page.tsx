import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useRecoilValue } from "recoil";
import { Page, Spinner } from "zmp-ui";
import { ChevronRight, Clock, MapPin, Plus, QrCode, ReceiptText, ShoppingBag, Store as StoreIcon, UtensilsCrossed } from "lucide-react";
import type { MenuProduct } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { zalo, ZaloError } from "../../zalo";
import { PageHeader } from "../../components/page-header";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../components/use-toast";
import { fmtVnd } from "@mc/web/format";
import { useCart } from "../../lib/cart";
import { useLoad } from "../../lib/use-load";
import { fetchMenu } from "./api";
import { storeName, useOrderingPlace, useStoreChoices } from "../../lib/ordering-place";
import { openWord, statusLine, storeInfoState } from "../../lib/store-status";
import { ProductImage } from "../../components/product-image";
import { ProductSheet } from "./components/product-sheet";
import { placeFromQr } from "./entry";
import "./menu.css";

/** The menu of the store being ordered at: categories, products, a product sheet and the cart bar. */
export default function MenuPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { place, chooseStore, openTable, known } = useOrderingPlace();
  const { stores } = useStoreChoices();
  const info = useRecoilValue(storeInfoState);
  const here = place.storeId ? info[place.storeId] : undefined;
  const [open, setOpen] = useState<MenuProduct | null>(null);
  const [activeCat, setActiveCat] = useState<string | null>(null);
  const cart = useCart(place.storeId);
  const toast = useToast();
  const sections = useRef<Record<string, HTMLElement | null>>({});

  // `/menu?store=…&table=…` (a table QR forwarded here) sets the place once, then the URL is cleaned.
  useEffect(() => {
    const store = params.get("store");
    if (!store) return;
    openTable(store, params.get("table"));
    setParams({}, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);

  const storeId = place.storeId;
  const {
    data: menu,
    error,
    retry,
  } = useLoad(
    async () => {
      const m = await fetchMenu(storeId!);
      setActiveCat(m.categories[0]?.id ?? null);
      return m;
    },
    [storeId],
    { enabled: storeId !== null, blankRetry: true },
  );

  async function scan() {
    try {
      const text = await zalo.scanQRCode();
      const p = placeFromQr(text);
      if (p) openTable(p.store, p.table);
      else toast.error("Đây không phải mã QR gọi món của cửa hàng");
    } catch (e) {
      if (!(e instanceof ZaloError) || e.zaloCode !== -2003) toast.error("Chưa mở được máy quét QR");
    }
  }

  function jump(catId: string) {
    setActiveCat(catId);
    sections.current[catId]?.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  const header = (
    <PageHeader
      title="Đặt món"
      right={
        <button className="ord-header-btn" onClick={() => navigate("/orders")} data-testid="open-orders" aria-label="Đơn của tôi">
          <ReceiptText size={20} /> Đơn của tôi
        </button>
      }
    />
  );

  return (
    <Page className="mc-page ord-page" hideScrollbar>
      {header}
      <div className="mc-content ord-menu-content">
        <section className="mc-card ord-store-card" data-testid="store-card">
          <span className="ord-store-icon">{place.table ? <UtensilsCrossed size={20} /> : <StoreIcon size={20} />}</span>
          <div className="ord-store-main">
            <span className="mc-muted">{place.table ? "Gọi món tại bàn" : "Đặt trước, đến lấy tại"}</span>
            {stores.length > 1 ? (
              <select value={place.storeId ?? ""} onChange={(e) => chooseStore(e.target.value)} data-testid="store-picker" aria-label="Cửa hàng">
                {place.storeId ? null : <option value="">Chọn cửa hàng…</option>}
                {stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {info[s.id] ? `${s.name} · ${openWord(info[s.id]!)}` : s.name}
                  </option>
                ))}
              </select>
            ) : (
              <b data-testid="store-name">{place.storeId ? storeName(known, place.storeId) : "Chưa chọn cửa hàng"}</b>
            )}
            {here ? (
              <span className={`ord-store-status${here.status.openNow ? " open" : ""}`} data-testid="store-status" data-open={here.status.openNow}>
                <Clock size={13} /> {statusLine(here)}
              </span>
            ) : null}
            {place.storeId && known.find((s) => s.id === place.storeId)?.address ? (
              <span className="ord-store-addr">
                <MapPin size={13} /> {known.find((s) => s.id === place.storeId)!.address}
              </span>
            ) : null}
          </div>
          {place.table ? (
            <span className="ord-table-badge" data-testid="table-badge">
              Bàn {place.table}
            </span>
          ) : (
            <button className="ord-icon-btn" onClick={() => void scan()} aria-label="Quét mã QR tại bàn" data-testid="scan-table">
              <QrCode size={20} />
            </button>
          )}
        </section>

        {!place.storeId ? (
          <div className="mcl-empty" data-testid="menu-no-store">
            <StoreIcon size={40} />
            <p>Chọn cửa hàng để xem thực đơn</p>
            <span className="mc-muted">Quét mã QR trên bàn hoặc tại quầy để gọi món nhanh.</span>
            <button className="mc-btn primary ord-empty-btn" onClick={() => void scan()}>
              <QrCode size={18} /> Quét mã QR
            </button>
          </div>
        ) : error ? (
          <div className="mcl-inline-error" role="alert" data-testid="menu-error">
            <span>
              {error === ErrorCode.STORE_UNAVAILABLE
                ? "Cửa hàng đang tạm ngưng nhận đơn"
                : error === ErrorCode.NOT_FOUND
                  ? "Không tìm thấy cửa hàng này"
                  : describeError(error).title}
            </span>
            <button className="mcl-link" onClick={retry}>
              Thử lại
            </button>
          </div>
        ) : !menu ? (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        ) : menu.categories.length === 0 ? (
          <div className="mcl-empty" data-testid="menu-empty">
            <UtensilsCrossed size={40} />
            <p>Thực đơn đang được cập nhật</p>
            <span className="mc-muted">Cửa hàng chưa có món nào để đặt lúc này.</span>
          </div>
        ) : (
          <>
            <nav className="ord-cats" aria-label="Danh mục">
              {menu.categories.map((c) => (
                <button key={c.id} className={c.id === activeCat ? "active" : ""} onClick={() => jump(c.id)} data-testid="category-chip">
                  {c.name}
                </button>
              ))}
            </nav>
            {menu.categories.map((c) => (
              <section key={c.id} className="ord-section" ref={(el) => (sections.current[c.id] = el)} data-testid="menu-category">
                <h2>{c.name}</h2>
                <div className="ord-products">
                  {c.products.map((p) => (
                    <button key={p.id} className="ord-product" onClick={() => setOpen(p)} data-testid="product-card" data-product={p.id}>
                      <ProductImage src={p.thumbUrl} name={p.name} />
                      <span className="ord-product-main">
                        <span className="ord-product-name">{p.name}</span>
                        {p.description ? <span className="ord-product-desc">{p.description}</span> : null}
                        <span className="ord-product-foot">
                          <b>{fmtVnd(p.priceVnd)}</b>
                          <span className="ord-add" aria-hidden="true">
                            <Plus size={18} strokeWidth={2.6} />
                          </span>
                        </span>
                      </span>
                    </button>
                  ))}
                </div>
              </section>
            ))}
          </>
        )}
      </div>

      {cart.count > 0 ? (
        <button className="ord-cart-bar" onClick={() => navigate("/menu/cart")} data-testid="cart-bar">
          <span className="ord-cart-icon">
            <ShoppingBag size={20} />
            <b data-testid="cart-count">{cart.count}</b>
          </span>
          <span className="ord-cart-text">
            Xem giỏ hàng
            <small>Tạm tính {fmtVnd(cart.estimate)}</small>
          </span>
          <ChevronRight size={20} />
        </button>
      ) : null}

      {open ? (
        <ProductSheet
          product={open}
          onClose={() => setOpen(null)}
          onAdd={(pick) => {
            cart.add({ productId: open.id, name: open.name, imageUrl: open.thumbUrl, ...pick });
            setOpen(null);
            toast.success(`Đã thêm ${pick.quantity} ${open.name}`);
          }}
        />
      ) : null}
    </Page>
  );
}
