import { useEffect, useState } from "react";
import { Spinner } from "zmp-ui";
import { AlertCircle, Clock } from "lucide-react";
import type { PickupSlotsView } from "@mc/shared";
import { hhmmIn, pickupDayWords } from "@mc/shared/store-hours";
import { describeError } from "@mc/web/error-messages";
import { statusLine } from "../../../lib/store-status";

/**
 * The pickup times the store offers (the server's list: inside its opening hours, after the preparation lead),
 * by day, shown on the store's clock. The first one is picked until the shopper picks another.
 */
export function PickupTimes(props: {
  view: PickupSlotsView | null;
  error: string | null;
  selected: string | null;
  onPick: (at: string) => void;
  onRetry: () => void;
}) {
  const { view, error, selected } = props;
  const [day, setDay] = useState<string | null>(null);
  const selectedDay = view?.days.find((d) => d.slots.includes(selected ?? ""))?.date ?? null;
  useEffect(() => {
    if (selectedDay) setDay(selectedDay);
  }, [selectedDay]);

  const header = (
    <span className="ord-field-label">
      <Clock size={16} /> Giờ nhận món
    </span>
  );
  if (!view) {
    return (
      <>
        {header}
        {error ? (
          <div className="mcl-inline-error" role="alert" data-testid="pickup-error">
            <span>
              <AlertCircle size={16} /> {describeError(error).title}
            </span>
            <button className="mcl-link" onClick={props.onRetry}>
              Thử lại
            </button>
          </div>
        ) : (
          <div className="ord-times-loading">
            <Spinner visible />
          </div>
        )}
      </>
    );
  }
  const tz = view.store.timeZone;
  const at = Date.parse(view.store.status.at);
  if (view.days.length === 0) {
    return (
      <>
        {header}
        <p className="ord-times-none" data-testid="pickup-none">
          Cửa hàng chưa nhận đặt trước trong những ngày tới ({statusLine(view.store)}).
        </p>
      </>
    );
  }
  const shown = view.days.find((d) => d.date === day) ?? view.days[0]!;
  const first = view.days[0]!.slots[0];
  return (
    <>
      {header}
      {view.days.length > 1 ? (
        <div className="ord-days" role="tablist" aria-label="Ngày nhận món">
          {view.days.map((d) => (
            <button
              key={d.date}
              role="tab"
              aria-selected={d.date === shown.date}
              className={d.date === shown.date ? "on" : ""}
              onClick={() => setDay(d.date)}
              data-testid="pickup-day"
              data-date={d.date}
            >
              {pickupDayWords(d.date, at, tz)}
            </button>
          ))}
        </div>
      ) : (
        <span className="ord-days-one" data-testid="pickup-day" data-date={shown.date}>
          {pickupDayWords(shown.date, at, tz)}
        </span>
      )}
      <div className="ord-times" role="radiogroup" aria-label="Giờ nhận món">
        {shown.slots.map((s) => (
          <button
            key={s}
            role="radio"
            aria-checked={s === selected}
            className={s === selected ? "on" : ""}
            onClick={() => props.onPick(s)}
            data-testid="pickup-time"
            data-at={s}
          >
            <b>{hhmmIn(Date.parse(s), tz)}</b>
            {s === first ? <small>Sớm nhất</small> : null}
          </button>
        ))}
      </div>
    </>
  );
}
