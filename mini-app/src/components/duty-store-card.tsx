import { MapPin, Store as StoreIcon } from "lucide-react";

type DutyStore = { id: string; name: string; address: string };

/** "Cửa hàng đang trực": the store a staff member is working at, with a picker when they have several. */
export function DutyStoreCard(props: {
  stores: DutyStore[] | null | undefined;
  store: DutyStore | null | undefined;
  storeId: string | null | undefined;
  choose: (id: string) => void;
  testId: string;
}) {
  const { stores, store, storeId, choose, testId } = props;
  return (
    <section className="mc-card mcl-store-card">
      <span className="mcl-store-icon">
        <StoreIcon size={20} />
      </span>
      <div className="mcl-store-main">
        <span className="mc-muted">Cửa hàng đang trực</span>
        {stores && stores.length > 1 ? (
          <select value={storeId ?? ""} onChange={(e) => choose(e.target.value)} data-testid={testId} aria-label="Cửa hàng">
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        ) : (
          <b data-testid={`${testId}-name`}>{store?.name ?? (stores ? "Chưa được phân công" : "Đang tải…")}</b>
        )}
        {store?.address ? (
          <span className="mcl-store-addr">
            <MapPin size={13} /> {store.address}
          </span>
        ) : null}
      </div>
    </section>
  );
}
