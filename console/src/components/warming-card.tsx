import type { CategoryState, PolicyLayer, WarmingState } from "@mc/shared";
import { fmtDateTime } from "@mc/web/format";
import { api } from "../api";
import { CATEGORY_LABEL, CHANNEL_LABEL } from "../labels";
import { Badge, Card, ErrorBox, Spinner, useLoad } from "../ui";

const LAYER_LABEL: Record<PolicyLayer, string> = {
  consent: "Đồng ý nhận tin",
  zalo: "Quy định của Zalo",
  preferences: "Tuỳ chọn của khách",
  quiet_hours: "Giờ yên lặng",
  caps: "Giới hạn số tin",
  fatigue: "Hạn chế sau khi bỏ quan tâm",
};

/** What may reach this person now, category by category, and why not (the send policy's own reading). */
export function WarmingCard({ customerId, version }: { customerId: string; version: number }) {
  // `version` is not read: it changes when the profile changes, and reloads the card with it.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const w = useLoad(() => api.get<{ warming: WarmingState }>(`/api/admin/customers/${encodeURIComponent(customerId)}/warming`), [customerId, version]);
  const s = w.data?.warming;
  // In the shop's zone: the one the summary's words use.
  const fmtTime = (iso: string | null) => fmtDateTime(iso, s?.timeZone ?? "Asia/Ho_Chi_Minh");
  return (
    <Card title="Nhận tin lúc này" testId="warming-card">
      <ErrorBox error={w.error} testId="warming-error" />
      {!s ? (
        !w.error && <Spinner />
      ) : (
        <>
          <p className="c-warming-summary" data-testid="warming-summary">
            {s.summary}
          </p>
          <ul className="c-cats">
            {s.categories.map((c) => (
              <CategoryRow key={c.category} c={c} fmtTime={fmtTime} />
            ))}
          </ul>
          {s.caps.length > 0 && (
            <>
              <h3>Giới hạn số tin</h3>
              <ul className="c-caps" data-testid="warming-caps">
                {s.caps.map((cap) => (
                  <li key={`${cap.source}:${cap.label}`}>
                    <div className="c-inline c-space">
                      <span>{cap.label}</span>
                      <strong className={cap.used >= cap.max ? "c-text-bad" : ""}>
                        {cap.used}/{cap.max}
                      </strong>
                    </div>
                    <div className="c-meter" role="meter" aria-label={cap.label} aria-valuemin={0} aria-valuemax={cap.max} aria-valuenow={cap.used}>
                      <div
                        style={{ width: `${Math.min(100, (cap.used / Math.max(cap.max, 1)) * 100)}%` }}
                        className={cap.used >= cap.max ? "c-meter-full" : ""}
                      />
                    </div>
                    {cap.resetsAt && cap.used >= cap.max && <div className="c-hint">Có chỗ trống lại lúc {fmtTime(cap.resetsAt)}</div>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {s.fatigueUntil && new Date(s.fatigueUntil).getTime() > new Date(s.at).getTime() && (
            <p className="c-hint" data-testid="warming-fatigue">
              Đang hạn chế khuyến mãi (khách từng bỏ quan tâm sau tin của cửa hàng) đến {fmtTime(s.fatigueUntil)}.
            </p>
          )}
        </>
      )}
    </Card>
  );
}

function CategoryRow({ c, fmtTime }: { c: CategoryState; fmtTime: (iso: string | null) => string }) {
  const held = !c.allowedNow && c.nextAllowedAt !== null;
  return (
    <li className="c-cat" data-testid={`warming-${c.category}`} data-allowed={c.allowedNow ? "1" : "0"}>
      <div className="c-cat-head">
        <strong>{CATEGORY_LABEL[c.category] ?? c.category}</strong>
        {c.allowedNow ? (
          <Badge tone="ok">
            Gửi được ngay{c.channel ? ` · ${CHANNEL_LABEL[c.channel] ?? c.channel}` : ""}
            {c.free ? " · miễn phí" : ""}
          </Badge>
        ) : held ? (
          <Badge tone="warn">Chờ đến {fmtTime(c.nextAllowedAt)}</Badge>
        ) : (
          <Badge tone="muted">Không gửi được</Badge>
        )}
      </div>
      {c.reasons.length > 0 && (
        <ul className="c-reasons">
          {c.reasons.map((r, i) => (
            <li key={`${r.code}-${i}`} data-code={r.code} data-layer={r.layer}>
              <span className="c-layer">{LAYER_LABEL[r.layer] ?? r.layer}:</span> {r.text}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
