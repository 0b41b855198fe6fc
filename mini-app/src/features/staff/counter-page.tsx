import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { Coins, Store as StoreIcon, TicketCheck } from "lucide-react";
import { useCustomer } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { BackHeader } from "../../components/back-header";
import { useCounterStore } from "../../lib/duty-store";
import { VoucherCounter } from "./components/voucher-counter";
import { PointsCounter } from "./components/points-counter";
import { DutyStoreCard } from "../../components/duty-store-card";
import { StaffOnly } from "../../components/staff-only";
import "./staff.css";

/** The staff counter: pick the store, then redeem vouchers or award points for a purchase. */
export default function CounterPage() {
  const [customer] = useCustomer();
  const [params, setParams] = useSearchParams();
  const mode = params.get("mode") === "points" ? "points" : "voucher";
  const { stores, store, storeId, choose, error } = useCounterStore();
  const [memberCode, setMemberCode] = useState<string | null>(null);

  if (customer.role === "customer") return <StaffOnly title="Quầy thu ngân" testId="counter-forbidden" />;

  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title="Quầy thu ngân" />
      <div className="mc-content">
        <DutyStoreCard stores={stores} store={store} storeId={storeId} choose={choose} testId="counter-store" />

        <div className="mcl-segment" role="tablist">
          <button
            role="tab"
            aria-selected={mode === "voucher"}
            className={mode === "voucher" ? "active" : ""}
            onClick={() => setParams({}, { replace: true })}
            data-testid="counter-mode-voucher"
          >
            <TicketCheck size={17} /> Dùng voucher
          </button>
          <button
            role="tab"
            aria-selected={mode === "points"}
            className={mode === "points" ? "active" : ""}
            onClick={() => setParams({ mode: "points" }, { replace: true })}
            data-testid="counter-mode-points"
          >
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
