import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { ChevronRight, UserRound } from "lucide-react";
import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "@mc/web/error-messages";
import { toFailure } from "../../../session";
import { staffCustomerPath } from "../../../lib/staff-links";
import { customerByMemberCode } from "../api";

/**
 * "Xem hồ sơ": the customer's profile page, by their id when the counter knows it (a voucher's owner, an
 * award's member), or by the member code typed or scanned, looked up on tap (the counter's member preview
 * carries no id). Someone who never came to the caller's stores has no profile for them: said here.
 */
export function ProfileLink(props: { customerId: string } | { memberCode: string }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    if ("customerId" in props) return navigate(staffCustomerPath(props.customerId));
    setBusy(true);
    setError(null);
    try {
      navigate(staffCustomerPath(await customerByMemberCode(props.memberCode)));
    } catch (e) {
      const code = toFailure(e).code;
      setError(code === ErrorCode.CUSTOMER_NOT_FOUND ? "Khách chưa có giao dịch tại cửa hàng của bạn nên chưa có hồ sơ để xem." : describeError(code).title);
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="mcl-profile-link" onClick={() => void open()} disabled={busy} data-testid="counter-profile-link">
        <UserRound size={16} /> {busy ? "Đang mở…" : "Xem hồ sơ"} <ChevronRight size={16} />
      </button>
      {error ? (
        <p className="mcl-form-error" role="alert" data-testid="counter-profile-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
