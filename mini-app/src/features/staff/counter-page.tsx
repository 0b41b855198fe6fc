import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { Coins, Lock, MapPin, Store as StoreIcon, TicketCheck } from "lucide-react";
import { useCustomer } from "../../session";
import { describeError } from "../../components/errors";
import { BackHeader } from "../wallet/components/back-header";
import { useCounterStore } from "./store-state";
import { VoucherCounter } from "./components/voucher-counter";
import { PointsCounter } from "./components/points-counter";

/** The staff counter: pick the store, then redeem vouchers or award points for a purchase. */
export default function CounterPage() {
  const [customer] = useCustomer();
  const [params, setParams] = useSearchParams();
  const mode = params.get("mode") === "points" ? "points" : "voucher";
  const { stores, store, storeId, choose, error } = useCounterStore();
  const [memberCode, setMemberCode] = useState<string | null>(null);

  if (customer.role === "customer") {
    return (
      <Page className="mc-page" hideScrollbar>
        <BackHeader title="Quầy thu ngân" />
        <div className="mcl-empty" data-testid="counter-forbidden">
          <Lock size={40} />
          <p>Chỉ dành cho nhân viên cửa hàng</p>
        </div>
      </Page>
    );
  }

  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title="Quầy thu ngân" />
      <div className="mc-content">
        <section className="mc-card mcl-store-card">
          <span className="mcl-store-icon">
            <StoreIcon size={20} />
          </span>
          <div className="mcl-store-main">
            <span className="mc-muted">Cửa hàng đang trực</span>
            {stores && stores.length > 1 ? (
              <select value={storeId ?? ""} onChange={(e) => choose(e.target.value)} data-testid="counter-store" aria-label="Cửa hàng">
                {stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            ) : (
              <b data-testid="counter-store-name">{store?.name ?? (stores ? "Chưa được phân công" : "Đang tải…")}</b>
            )}
            {store?.address ? (
              <span className="mcl-store-addr">
                <MapPin size={13} /> {store.address}
              </span>
            ) : null}
          </div>
        </section>

        <div className="mcl-segment" role="tablist">
          <button role="tab" aria-selected={mode === "voucher"} className={mode === "voucher" ? "active" : ""} onClick={() => setParams({}, { replace: true })} data-testid="counter-mode-voucher">
            <TicketCheck size={17} /> Dùng voucher
          </button>
          <button role="tab" aria-selected={mode === "points"} className={mode === "points" ? "active" : ""} onClick={() => setParams({ mode: "points" }, { replace: true })} data-testid="counter-mode-points">
            <Coins size={17} /> Tích điểm
          </button>
        </div>

        {error ? (
          <div className="mcl-inline-error" role="alert">
            <span>{describeError(error).title}</span>
          </div>
        ) : !stores ? (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        ) : !store ? (
          <div className="mcl-empty" data-testid="counter-no-store">
            <StoreIcon size={40} />
            <p>Bạn chưa được phân công cửa hàng nào</p>
            <span className="mc-muted">Liên hệ quản lý để được thêm vào cửa hàng.</span>
          </div>
        ) : mode === "voucher" ? (
          <VoucherCounter
            key={store.id}
            store={store}
            stores={stores}
            onMemberCode={(c) => {
              setMemberCode(c);
              setParams({ mode: "points" }, { replace: true });
            }}
          />
        ) : (
          <PointsCounter key={store.id} store={store} initialCode={memberCode} onConsumed={() => setMemberCode(null)} />
        )}
      </div>
    </Page>
  );
}
