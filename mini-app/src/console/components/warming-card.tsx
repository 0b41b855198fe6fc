import type { CategoryState, WarmingState } from "@mc/shared";
import { api } from "../api";
import { CATEGORY_LABEL, CHANNEL_LABEL, fmtTime } from "../labels";
import { Badge, Card, ErrorBox, Spinner, useLoad } from "../ui";

/** What may reach this person now, category by category, and why not (the send policy's own reading). */
export function WarmingCard({ customerId, version }: { customerId: string; version: number }) {
  const w = useLoad(() => api.get<{ warming: WarmingState }>(`/api/admin/customers/${encodeURIComponent(customerId)}/warming`), [customerId, version]);
  const s = w.data?.warming;
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
              <CategoryRow key={c.category} c={c} />
            ))}
          </ul>
          {s.caps.length > 0 && (
            <>
              <h3>Giới hạn tin khuyến mãi</h3>
              <ul className="c-caps" data-testid="warming-caps">
                {s.caps.map((cap) => (
                  <li key={cap.label}>
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
          {s.fatigueUntil && new Date(s.fatigueUntil).getTime() > Date.now() && (
            <p className="c-hint" data-testid="warming-fatigue">
              Đang hạn chế khuyến mãi (khách từng bỏ quan tâm sau tin của cửa hàng) đến {fmtTime(s.fatigueUntil)}.
            </p>
          )}
        </>
      )}
    </Card>
  );
}

function CategoryRow({ c }: { c: CategoryState }) {
  const held = !c.allowedNow && c.nextAllowedAt !== null;
  return (
    <li className="c-cat" data-testid={`warming-${c.category}`} data-allowed={c.allowedNow ? "1" : "0"}>
      <div className="c-cat-head">
        <strong>{CATEGORY_LABEL[c.category] ?? c.category}</strong>
        {c.allowedNow ? (
          <Badge tone="ok">Gửi được ngay{c.channel ? ` · ${CHANNEL_LABEL[c.channel] ?? c.channel}` : ""}</Badge>
        ) : held ? (
          <Badge tone="warn">Chờ đến {fmtTime(c.nextAllowedAt)}</Badge>
        ) : (
          <Badge tone="muted">Không gửi được</Badge>
        )}
      </div>
      {c.reasons.length > 0 && (
        <ul className="c-reasons">
          {c.reasons.map((r, i) => (
            <li key={`${r.code}-${i}`} data-code={r.code}>
              {r.text}
              {r.until && <span className="c-muted"> (đến {fmtTime(r.until)})</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
