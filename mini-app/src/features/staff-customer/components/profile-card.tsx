import { Clock, Coins, Phone, Tag, UserCheck, UserMinus, UserX } from "lucide-react";
import type { CustomerProfile } from "@mc/shared";
import { UserAvatar } from "../../../components/avatar";
import { fmtDate, fmtNumber, fmtPhone, fmtPoints } from "@mc/web/format";

function follower(p: CustomerProfile) {
  if (p.followsOa) return { cls: "ok", Icon: UserCheck, text: "Đang quan tâm OA" };
  if (p.unfollowedAt) return { cls: "warn", Icon: UserMinus, text: "Đã bỏ quan tâm OA" };
  return { cls: "off", Icon: UserX, text: "Chưa quan tâm OA" };
}

/** Who the person is at a glance: tier, points (and those about to lapse), phone (masked), OA follow, tags. */
export function ProfileCard({ profile: p }: { profile: CustomerProfile }) {
  const f = follower(p);
  const { expiring } = p.points;
  return (
    <section className="mc-card sc-profile" data-testid="sc-profile">
      <div className="sc-who">
        <UserAvatar src={p.avatar} name={p.name} size={60} />
        <div className="sc-who-main">
          <h2 data-testid="sc-name">{p.name}</h2>
          <span className="sc-code" data-testid="sc-member-code">
            {p.memberCode}
          </span>
          <div className="sc-badges">
            <span className={`mcl-tier small tier-${p.points.tier}`} data-testid="sc-tier">
              Hạng {p.points.tierName}
            </span>
            <span className={`sc-badge ${f.cls}`} data-testid="sc-follower" data-follows={p.followsOa}>
              <f.Icon size={13} /> {f.text}
            </span>
            {p.erased ? <span className="sc-badge off">Đã xoá dữ liệu cá nhân</span> : null}
          </div>
        </div>
      </div>

      <dl className="sc-facts">
        <div>
          <dt>
            <Coins size={14} /> Điểm hiện có
          </dt>
          <dd data-testid="sc-balance">{fmtNumber(p.points.balance)}</dd>
        </div>
        <div className={expiring.points > 0 ? "warn" : ""}>
          <dt>
            <Clock size={14} /> Sắp hết hạn
          </dt>
          <dd data-testid="sc-expiring">
            {expiring.points > 0 ? fmtPoints(expiring.points) : "Không có"}
            {expiring.points > 0 && expiring.by ? <small>từ {fmtDate(expiring.by)}</small> : null}
          </dd>
        </div>
        <div className="wide">
          <dt>
            <Phone size={14} /> Số điện thoại
          </dt>
          <dd data-testid="sc-phone">{p.phoneMasked ? fmtPhone(p.phoneMasked) : <span className="sc-none">Chưa chia sẻ</span>}</dd>
        </div>
      </dl>

      <div className="sc-tags" data-testid="sc-tags">
        <Tag size={14} aria-label="Nhãn" />
        {p.tags.length ? (
          p.tags.map((t) => (
            <span key={t} className="sc-tag">
              {t}
            </span>
          ))
        ) : (
          <span className="sc-none">Chưa có nhãn</span>
        )}
      </div>
    </section>
  );
}

/** The profile's shape while it loads. */
export function ProfileSkeleton() {
  return (
    <section className="mc-card sc-profile" aria-busy="true" aria-label="Đang tải hồ sơ" data-testid="sc-profile-loading">
      <div className="sc-who">
        <span className="sk dark sk-circle" style={{ width: 60, height: 60 }} />
        <div className="sc-who-main">
          <span className="sk dark sk-line" style={{ width: "60%", height: 18 }} />
          <span className="sk dark sk-line" style={{ width: "40%" }} />
        </div>
      </div>
      <span className="sk dark sk-line" style={{ width: "100%", height: 56, borderRadius: 12 }} />
    </section>
  );
}
