import type { ReactNode } from "react";
import { CheckCircle2, Link2, OctagonAlert } from "lucide-react";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { fmtDateTime } from "@mc/web/format";
import { api } from "../api";
import { hashQuery } from "../routing";
import { Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";

/** GET /api/admin/oa (server/src/modules/oa/connect.ts `OaConnectStatus`). */
export type OaStatus = {
  oa: { id: string; name: string } | null;
  source: "env" | "console";
  configuredOaId: string;
  connectedAt: string | null;
  expiresAt: string;
  reconnect: { since: string; reason: string | null } | null;
  redirectUri: string;
};

/** The alert every page shows while Zalo refuses the OA's refresh token: messages wait until an owner connects again. */
export function ReconnectBanner({ status, canConnect }: { status: OaStatus | null; canConnect: boolean }) {
  if (!status?.reconnect) return null;
  return (
    <div className="c-alert c-alert-bad" role="alert" data-testid="oa-reconnect-banner">
      <OctagonAlert size={22} />
      <div>
        <strong>Cần kết nối lại Zalo OA.</strong> Zalo đã từ chối mã làm mới của OA (từ {fmtDateTime(status.reconnect.since)}). Tin nhắn đang được giữ lại,
        không bị huỷ, và sẽ gửi khi OA được kết nối lại. {canConnect ? <a href="#/oa">Kết nối lại OA</a> : "Hãy báo chủ cửa hàng kết nối lại OA."}
      </div>
    </div>
  );
}

/** #/oa: which OA the server sends as, and the owner's "Kết nối OA" (Zalo's consent page, then back here). */
export function OaPage() {
  const status = useLoad(() => api.get<OaStatus>("/api/admin/oa"));
  const act = useAction();
  const q = hashQuery();
  const came = q.get("error");
  const connected = q.get("connected");

  async function connect() {
    const r = await act.run(() => api.post<{ url: string }>("/api/admin/oa/connect", {}));
    // Zalo's consent page, then Zalo sends the admin back through the API's callback to #/oa.
    if (r) window.location.assign(r.url);
  }

  const s = status.data;
  return (
    <div className="c-page" data-testid="oa-page">
      <div className="c-page-head">
        <div>
          <h1>Kết nối Zalo OA</h1>
          <p className="c-muted">Official Account mà hệ thống dùng để gửi tin CS, tin mẫu và ZNS. Chỉ chủ cửa hàng kết nối được.</p>
        </div>
      </div>
      {came && <ErrorBox error={new ApiError(came, describeError(came).title, 400)} testId="oa-callback-error" />}
      {connected && !came && s?.oa && (
        <p className="c-notice" data-testid="oa-connected-notice">
          <CheckCircle2 size={18} /> Đã kết nối OA {s.oa.name}.
        </p>
      )}
      <ReconnectBanner status={s} canConnect />
      <ErrorBox error={status.error} />
      <ErrorBox error={act.error} testId="oa-connect-error" />
      <Card
        title="Official Account"
        testId="oa-status"
        actions={
          <button className="c-btn c-btn-primary" onClick={() => void connect()} disabled={act.busy} data-testid="oa-connect">
            <Link2 size={16} /> {s?.oa || s?.source === "env" ? "Kết nối lại OA" : "Kết nối OA"}
          </button>
        }
      >
        {!s ? (
          <Spinner />
        ) : (
          <dl className="c-dl">
            <Row label="OA đang dùng" testId="oa-name">
              {s.oa ? `${s.oa.name} (${s.oa.id})` : "Mã từ biến môi trường (chưa kết nối qua trang này)"}
            </Row>
            {s.oa && s.oa.id !== s.configuredOaId && (
              <Row label="Lưu ý" testId="oa-mismatch">
                OA vừa kết nối khác ZALO_OA_ID đã cấu hình ({s.configuredOaId}): webhook vẫn được kiểm theo ZALO_OA_ID.
              </Row>
            )}
            <Row label="Kết nối lúc">{s.connectedAt ? fmtDateTime(s.connectedAt) : "—"}</Row>
            <Row label="Mã truy cập hết hạn">{fmtDateTime(s.expiresAt)} (tự làm mới)</Row>
            <Row label="Địa chỉ chuyển hướng (đăng ký ở Zalo)">
              <code data-testid="oa-redirect-uri">{s.redirectUri}</code>
            </Row>
          </dl>
        )}
      </Card>
    </div>
  );
}

function Row({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <div className="c-dl-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
