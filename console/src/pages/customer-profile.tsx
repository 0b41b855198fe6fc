import { useState, type ReactNode } from "react";
import { ArrowLeft } from "lucide-react";
import type { CustomerProfile } from "@mc/shared";
import { api } from "../api";
import { lastListHref } from "../customer-filters";
import { CATEGORY_LABEL } from "../labels";
import { ROLE_LABEL, fmtBirth } from "../crm-labels";
import type { Store } from "../types";
import { Badge, Card, LoadError, Spinner, useLoad } from "../ui";
import { WarmingCard } from "../components/warming-card";
import { TagsEditor } from "../components/tags-editor";
import { NotesCard } from "../components/notes-card";
import { PointsAdjust } from "../components/points-adjust";
import { TimelineCard } from "../components/timeline-card";
import { fmtDate, fmtDateTime, fmtNumber, fmtPhone } from "@mc/web/format";

/** #/customers/<id>: who the person is, what may reach them, and everything that happened to them. */
export function CustomerProfilePage({ id }: { id: string }) {
  const p = useLoad(() => api.get<{ profile: CustomerProfile }>(`/api/admin/customers/${encodeURIComponent(id)}/profile`), [id]);
  const stores = useLoad(() => api.get<{ stores: Store[] }>("/api/admin/stores").catch(() => ({ stores: [] as Store[] })));
  // Bumped by every change made here: the timeline, notes and warming state read it again.
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const storeName = (sid: string) => stores.data?.stores.find((s) => s.id === sid)?.name ?? sid;
  const c = p.data?.profile;
  const patch = (fn: (c: CustomerProfile) => CustomerProfile) => p.setData((d) => (d ? { profile: fn(d.profile) } : d));

  const back = (
    <a href={lastListHref()} className="c-back">
      <ArrowLeft size={16} /> Khách hàng
    </a>
  );
  if (!c)
    return (
      <div className="c-page">
        {back}
        {p.error ? (
          <LoadError error={p.error} what="khách hàng" back={{ href: lastListHref(), label: "Về danh sách khách hàng" }} testId="profile-error" />
        ) : (
          <Spinner />
        )}
      </div>
    );

  return (
    <div className="c-page" data-testid="profile-page">
      {back}
      <div className="c-profile-head">
        <Avatar name={c.name} src={c.avatar} />
        <div className="c-profile-title">
          <h1 data-testid="profile-name">{c.name || "(không tên)"}</h1>
          <div className="c-row c-row-tight">
            <span className="c-muted">
              Mã thành viên <strong data-testid="profile-member-code">{c.memberCode}</strong>
            </span>
            <Badge tone="info">{c.points.tierName}</Badge>
            {c.followsOa ? <Badge tone="ok">Đang quan tâm OA</Badge> : <Badge tone="muted">Không quan tâm OA</Badge>}
            {c.role !== "customer" && <Badge tone="warn">{ROLE_LABEL[c.role]}</Badge>}
            {c.erased && <Badge tone="bad">Đã xoá dữ liệu</Badge>}
          </div>
        </div>
      </div>

      <div className="c-profile-grid">
        <div className="c-profile-side">
          <Card title="Điểm và hạng" testId="points-card">
            <div className="c-stats">
              <div className="c-stat">
                <div className="c-stat-label">Số dư</div>
                <div className="c-stat-value" data-testid="profile-balance">
                  {fmtNumber(c.points.balance)}
                </div>
              </div>
              <div className="c-stat">
                <div className="c-stat-label">Hạng</div>
                <div className="c-stat-value c-stat-text">{c.points.tierName}</div>
              </div>
            </div>
            <p className="c-small" data-testid="profile-expiring">
              {c.points.expiring.points > 0 && c.points.expiring.by ? (
                <>
                  <strong>{fmtNumber(c.points.expiring.points)} điểm</strong> sẽ hết hạn vào {fmtDate(c.points.expiring.by)}.
                </>
              ) : (
                <span className="c-muted">Không có điểm sắp hết hạn.</span>
              )}
            </p>
            {!c.erased && (
              <PointsAdjust
                customerId={c.id}
                name={c.name}
                balance={c.points.balance}
                onDone={(balance) => {
                  patch((x) => ({ ...x, points: { ...x.points, balance } }));
                  void p.reload();
                  bump();
                }}
              />
            )}
          </Card>
          <Card title="Định danh" testId="identity-card">
            <dl className="c-dl">
              <Row label="Zalo ID (mini app)" value={<code data-testid="profile-zalo-id">{c.zaloId ?? "—"}</code>} />
              <Row label="Zalo ID theo OA" value={c.zaloOaId ? <code data-testid="profile-oa-id">{c.zaloOaId}</code> : "Chưa có (chưa quan tâm OA)"} />
              <Row label="Số điện thoại" value={<span data-testid="profile-phone">{c.phoneMasked ? fmtPhone(c.phoneMasked) : "Chưa chia sẻ"}</span>} />
              <Row label="Ngày sinh" value={fmtBirth(c.birthDate)} />
              <Row
                label="Quan tâm OA"
                value={c.followsOa ? `Từ ${fmtDateTime(c.followedAt)}` : c.unfollowedAt ? `Bỏ quan tâm ${fmtDateTime(c.unfollowedAt)}` : "Chưa từng quan tâm"}
              />
              <Row label="Tương tác gần nhất" value={fmtDateTime(c.lastInteractionAt)} />
              <Row label="Tham gia" value={fmtDateTime(c.createdAt)} />
              {c.storeIds.length > 0 && <Row label="Cửa hàng (nhân viên)" value={c.storeIds.map(storeName).join(", ")} />}
            </dl>
          </Card>
          <Card title="Nhãn" testId="tags-card">
            {c.erased ? (
              <p className="c-muted">Dữ liệu của khách đã được xoá theo yêu cầu; không gắn nhãn được nữa.</p>
            ) : (
              <TagsEditor
                customerId={c.id}
                tags={c.tags}
                onSaved={(tags) => {
                  patch((x) => ({ ...x, tags }));
                  bump();
                }}
              />
            )}
          </Card>
          <Card title="Tuỳ chọn nhận tin và đồng ý" testId="prefs-card">
            <dl className="c-dl">
              <Row label="Khuyến mãi" value={<Consent on={c.consent.promotions} />} />
              <Row label="Chăm sóc" value={<Consent on={c.consent.care} />} />
              {c.consent.reason && <Row label="Lý do" value={c.consent.reason} />}
              <Row label="Ưu đãi mỗi tuần" value={c.prefs.offersPerWeek === null ? "Theo giới hạn của cửa hàng" : `Tối đa ${c.prefs.offersPerWeek}`} />
              <Row
                label="Tạm dừng nhận tin"
                value={c.prefs.pausedUntil && new Date(c.prefs.pausedUntil).getTime() > Date.now() ? `Đến ${fmtDateTime(c.prefs.pausedUntil)}` : "Không"}
              />
              <Row
                label="Đã tắt"
                value={c.prefs.mutedCategories.length ? c.prefs.mutedCategories.map((m) => CATEGORY_LABEL[m] ?? m).join(", ") : "Không tắt loại nào"}
              />
            </dl>
            <p className="c-hint">Khách tự đặt các tuỳ chọn này trong mini app; tin giao dịch (đơn hàng, voucher) luôn được gửi.</p>
          </Card>
        </div>
        <div className="c-profile-main">
          <WarmingCard customerId={c.id} version={version} />
          <NotesCard customerId={c.id} version={version} onAdded={bump} />
          <TimelineCard customerId={c.id} version={version} storeName={storeName} />
        </div>
      </div>
    </div>
  );
}

function Row({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="c-dl-row">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

const Consent = ({ on }: { on: boolean }) => (on ? <Badge tone="ok">Nhận</Badge> : <Badge tone="muted">Không nhận</Badge>);

function Avatar({ name, src }: { name: string; src: string | null }) {
  const [broken, setBroken] = useState(false);
  const initials =
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(-2)
      .map((w) => w[0]!.toUpperCase())
      .join("") || "?";
  return src && !broken ? (
    <img className="c-avatar" src={src} alt="" onError={() => setBroken(true)} />
  ) : (
    <span className="c-avatar" aria-hidden>
      {initials}
    </span>
  );
}
