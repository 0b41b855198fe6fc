import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { Page } from "zmp-ui";
import { UserRoundSearch } from "lucide-react";
import type { TimelineKind } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { STAFF_TIMELINE_KINDS, TIMELINE_KINDS } from "@mc/shared/timeline-words";
import { useCustomer } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { BackHeader } from "../../components/back-header";
import { StaffOnly } from "../../components/staff-only";
import { useLoad } from "../../lib/use-load";
import { COUNTER_PATH } from "../../lib/staff-links";
import { fetchProfile } from "./api";
import { useTimeline } from "./use-timeline";
import { ProfileCard, ProfileSkeleton } from "./components/profile-card";
import { NoteForm } from "./components/note-form";
import { TimelineCard } from "./components/timeline-card";
import "./staff-customer.css";

const TITLE = "Hồ sơ khách hàng";

/** Staff: a customer's read-mostly profile, their history at the staff member's stores, and notes (issue #12). */
export default function StaffCustomerPage() {
  const { id = "" } = useParams();
  const [me] = useCustomer();
  if (me.role === "customer") return <StaffOnly title={TITLE} testId="staff-customer-forbidden" />;
  return <CustomerView key={id} id={id} admin={me.role === "admin"} />;
}

function CustomerView({ id, admin }: { id: string; admin: boolean }) {
  const profile = useLoad(() => fetchProfile(id), [id]);
  const [kinds, setKinds] = useState<TimelineKind[]>([]);
  const [version, setVersion] = useState(0);
  const timeline = useTimeline(id, kinds, version);
  const notFound = profile.error === ErrorCode.CUSTOMER_NOT_FOUND;

  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title={TITLE} fallback={COUNTER_PATH} />
      <div className={`mc-content sc-content${notFound ? "" : " sc-two"}`}>
        {notFound ? (
          <NotFound id={id} />
        ) : (
          <div className="sc-side">
            {profile.data ? (
              <>
                <ProfileCard profile={profile.data} />
                <NoteForm customerId={id} onAdded={() => setVersion((v) => v + 1)} />
              </>
            ) : profile.error ? (
              <div className="mcl-inline-error" role="alert" data-testid="sc-profile-error">
                <span>{describeError(profile.error).title}</span>
                <button className="mcl-link" onClick={profile.retry}>
                  Thử lại
                </button>
              </div>
            ) : (
              <ProfileSkeleton />
            )}
          </div>
        )}
        {notFound ? null : (
          <TimelineCard
            timeline={timeline}
            offered={admin ? TIMELINE_KINDS : STAFF_TIMELINE_KINDS}
            chosen={kinds}
            onChoose={setKinds}
            scope={admin ? "Mọi hoạt động của khách" : "Tại các cửa hàng của bạn, cùng các ghi chú"}
          />
        )}
      </div>
    </Page>
  );
}

/** Unknown, or never at the staff member's stores: the server answers both the same, and so does this page. */
function NotFound({ id }: { id: string }) {
  const navigate = useNavigate();
  return (
    <div className="mcl-empty sc-not-found" data-testid="sc-not-found" data-customer={id}>
      <UserRoundSearch size={44} />
      <p>Không tìm thấy khách hàng</p>
      <span className="mc-muted">Bạn chỉ xem được hồ sơ của khách đã mua hàng, tích điểm, dùng voucher hoặc chơi trò chơi tại cửa hàng của bạn.</span>
      <button className="mc-btn outline" onClick={() => navigate(COUNTER_PATH, { replace: true })} data-testid="sc-to-counter">
        Về quầy thu ngân
      </button>
    </div>
  );
}
