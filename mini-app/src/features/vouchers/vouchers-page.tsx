import { Page } from "zmp-ui";
import { useSearchParams } from "react-router-dom";
import { Gift, WalletCards } from "lucide-react";
import type { VoucherStatus } from "@mc/shared";
import { PageHeader } from "../../components/page-header";
import { CataloguePanel } from "./components/catalogue-panel";
import { WalletPanel } from "./components/wallet-panel";
import "./vouchers.css";

const STATUSES: VoucherStatus[] = ["active", "used", "expired"];

/** The Ưu đãi tab: the catalogue and my voucher wallet. The segment lives in the URL so "back" returns to it. */
export default function VouchersPage() {
  const [params, setParams] = useSearchParams();
  const view = params.get("view") === "wallet" ? "wallet" : "offers";
  const status = (STATUSES as string[]).includes(params.get("status") ?? "") ? (params.get("status") as VoucherStatus) : "active";
  const go = (next: Record<string, string>) => setParams(next, { replace: true });

  return (
    <Page className="mc-page" hideScrollbar>
      <PageHeader title="Ưu đãi" />
      <div className="mcl-segment-wrap">
        <div className="mcl-segment" role="tablist">
          <button role="tab" aria-selected={view === "offers"} className={view === "offers" ? "active" : ""} onClick={() => go({})} data-testid="tab-offers">
            <Gift size={17} /> Ưu đãi
          </button>
          <button
            role="tab"
            aria-selected={view === "wallet"}
            className={view === "wallet" ? "active" : ""}
            onClick={() => go({ view: "wallet" })}
            data-testid="tab-wallet"
          >
            <WalletCards size={17} /> Ví voucher
          </button>
        </div>
      </div>
      <div className="mc-content">
        {view === "offers" ? <CataloguePanel /> : <WalletPanel status={status} onStatus={(s) => go({ view: "wallet", status: s })} />}
      </div>
    </Page>
  );
}
