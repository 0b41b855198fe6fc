import { useState } from "react";
import { Page } from "zmp-ui";
import { BellOff, Gift, HeartHandshake, PauseCircle } from "lucide-react";
import { api } from "../../api/client";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { fmtDate } from "@mc/web/format";
import { PageHeader } from "../../components/page-header";
import { useToast } from "../../components/use-toast";
import { useLoad } from "../../lib/use-load";
import { toFailure } from "../../session";
import "./prefs.css";

type Prefs = { offersPerWeek: number | null; pausedUntil: string | null; mutedCategories: ("care" | "promotion")[] };
type PrefsView = { prefs: Prefs; maxOffersPerWeek: number | null };

const FREQUENCIES: { value: number | null; label: string }[] = [
  { value: null, label: "Theo cửa hàng" },
  { value: 3, label: "Tối đa 3" },
  { value: 1, label: "Tối đa 1" },
  { value: 0, label: "Không nhận" },
];
const PAUSES = [7, 14, 30];

/** "How often do you want to hear from us": the shopper's own layer of the send policy. */
export default function PrefsPage() {
  const [saving, setSaving] = useState(false);
  const toast = useToast();
  const { data: view, setData: setView } = useLoad(
    () =>
      api.get<PrefsView>("/api/me/message-prefs").catch((e: ApiError) => {
        toast.error(describeError(e.code).title); // the page stays empty
        throw e;
      }),
    // Once per visit: useToast() is a new object every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  async function save(next: Prefs) {
    setSaving(true);
    try {
      setView(await api.put<PrefsView>("/api/me/message-prefs", next));
      toast.success("Đã lưu lựa chọn của bạn");
    } catch (e) {
      toast.error(describeError(toFailure(e).code).title);
    } finally {
      setSaving(false);
    }
  }

  if (!view)
    return (
      <Page className="mc-page">
        <PageHeader title="Tin nhắn từ cửa hàng" />
      </Page>
    );
  const p = view.prefs;
  const paused = p.pausedUntil && Date.parse(p.pausedUntil) > Date.now();
  const toggle = (c: "care" | "promotion") =>
    save({ ...p, mutedCategories: p.mutedCategories.includes(c) ? p.mutedCategories.filter((x) => x !== c) : [...p.mutedCategories, c] });

  return (
    <Page className="mc-page" hideScrollbar>
      <PageHeader title="Tin nhắn từ cửa hàng" />
      <div className="mc-content">
        <section className="mc-card prefs-promise" data-testid="prefs-promise">
          <Gift size={22} />
          <p>
            {view.maxOffersPerWeek === 0
              ? "Bạn sẽ không nhận tin ưu đãi. Tin về đơn hàng và voucher của bạn vẫn được gửi."
              : view.maxOffersPerWeek === null
                ? "Cửa hàng không giới hạn số tin ưu đãi, nhưng không bao giờ gửi vào giờ nghỉ."
                : `Bạn sẽ nhận tối đa ${view.maxOffersPerWeek} tin ưu đãi mỗi tuần.`}
          </p>
        </section>

        <section className="mc-card">
          <div className="mc-card-title">
            <h2>Số tin ưu đãi mỗi tuần</h2>
          </div>
          <div className="prefs-chips" role="radiogroup">
            {FREQUENCIES.map((f) => (
              <button
                key={String(f.value)}
                role="radio"
                aria-checked={p.offersPerWeek === f.value}
                className={`prefs-chip${p.offersPerWeek === f.value ? " on" : ""}`}
                disabled={saving}
                onClick={() => save({ ...p, offersPerWeek: f.value })}
                data-testid={`prefs-frequency-${f.value ?? "shop"}`}
              >
                {f.label}
              </button>
            ))}
          </div>
        </section>

        <section className="mc-card">
          <div className="mc-card-title">
            <h2>Tạm dừng tin ưu đãi</h2>
          </div>
          {paused ? (
            <div className="prefs-row">
              <PauseCircle size={18} />
              <span>Đang tạm dừng đến {fmtDate(p.pausedUntil)}</span>
              <button className="mc-btn outline" disabled={saving} onClick={() => save({ ...p, pausedUntil: null })}>
                Bật lại
              </button>
            </div>
          ) : (
            <div className="prefs-chips">
              {PAUSES.map((d) => (
                <button
                  key={d}
                  className="prefs-chip"
                  disabled={saving}
                  data-testid={`prefs-pause-${d}`}
                  onClick={() => save({ ...p, pausedUntil: new Date(Date.now() + d * 86_400_000).toISOString() })}
                >
                  {d} ngày
                </button>
              ))}
            </div>
          )}
        </section>

        <section className="mc-card">
          <div className="mc-card-title">
            <h2>Loại tin</h2>
          </div>
          <Toggle
            icon={<Gift size={18} />}
            label="Ưu đãi, khuyến mãi"
            on={!p.mutedCategories.includes("promotion")}
            onChange={() => toggle("promotion")}
            disabled={saving}
            testId="prefs-promotion"
          />
          <Toggle
            icon={<HeartHandshake size={18} />}
            label="Chăm sóc, nhắc điểm sắp hết hạn"
            on={!p.mutedCategories.includes("care")}
            onChange={() => toggle("care")}
            disabled={saving}
            testId="prefs-care"
          />
          <div className="prefs-row prefs-note">
            <BellOff size={16} />
            <span>Tin về đơn hàng và voucher bạn đang có luôn được gửi.</span>
          </div>
        </section>
      </div>
    </Page>
  );
}

function Toggle({
  icon,
  label,
  on,
  onChange,
  disabled,
  testId,
}: {
  icon: React.ReactNode;
  label: string;
  on: boolean;
  onChange: () => void;
  disabled: boolean;
  testId: string;
}) {
  return (
    <label className="prefs-row">
      {icon}
      <span>{label}</span>
      <input type="checkbox" className="prefs-switch" checked={on} onChange={onChange} disabled={disabled} data-testid={testId} />
    </label>
  );
}
