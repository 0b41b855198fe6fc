import { useState } from "react";
import { BellRing, CheckCircle2, MessageCircle } from "lucide-react";
import { followOa, toFailure, useCustomer } from "../../../session";
import { Card } from "../../../components/card";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import { config } from "../../../config";
import "../home.css";

/** Follow status comes from the server (set by Zalo's follow webhook), never from the client's own say-so. */
export function OaFollowCard() {
  const [customer, setCustomer] = useCustomer();
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function onFollow() {
    setBusy(true);
    try {
      const next = await followOa(config.oaId);
      setCustomer(next);
      if (next.followsOa) toast.success("Cảm ơn bạn đã quan tâm!");
      else toast.info("Zalo đang xác nhận, vui lòng đợi giây lát");
    } catch (e) {
      toast.error(describeError(toFailure(e).code).title);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card icon={<MessageCircle size={20} />} title="Official Account" testId="oa-card">
      {customer.followsOa ? (
        <p className="mc-status ok" data-testid="oa-status">
          <CheckCircle2 size={18} /> Bạn đang quan tâm OA
        </p>
      ) : (
        <>
          <p className="mc-muted" data-testid="oa-status">
            Quan tâm OA để nhận tin về đơn hàng, ưu đãi và quà tặng dành riêng cho thành viên.
          </p>
          <button className="mc-btn outline" onClick={() => void onFollow()} disabled={busy} data-testid="follow-oa">
            <BellRing size={18} /> {busy ? "Đang xử lý…" : "Quan tâm OA"}
          </button>
        </>
      )}
    </Card>
  );
}
