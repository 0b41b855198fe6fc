import { Page } from "zmp-ui";
import { BadgeCheck, Bell, ChevronRight, MessageCircle, Phone, Store } from "lucide-react";
import { useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { roleLabel, useCustomer } from "../../session";
import { zalo } from "../../zalo";
import { UserAvatar } from "../../components/avatar";
import { PageHeader } from "../../components/page-header";
import { useLoad } from "../../lib/use-load";
import { PersonaSwitcher } from "./components/persona-switcher";
import { BirthdayCard } from "./components/birthday-card";
import "./account.css";
import { fmtPhone } from "@mc/web/format";

export default function AccountPage() {
  const [customer] = useCustomer();
  const navigate = useNavigate();
  // Store names for the staff row (the profile carries ids only).
  const { data: storeNames } = useLoad(
    () =>
      api
        .get<{ stores: { id: string; name: string }[] }>("/api/stores")
        .then((r): Record<string, string> => Object.fromEntries(r.stores.map((s) => [s.id, s.name]))),
    [],
    { enabled: customer.role !== "customer" },
  );
  return (
    <Page className="mc-page" hideScrollbar>
      <PageHeader title="Tài khoản" />
      <div className="mc-content">
        <section className="mc-card mc-profile" data-testid="profile">
          <UserAvatar src={customer.avatar} name={customer.name} size={64} />
          <div>
            <div className="mc-profile-name" data-testid="profile-name">
              {customer.name}
            </div>
            <span className={`mc-badge role-${customer.role}`} data-testid="profile-role">
              <BadgeCheck size={14} /> {roleLabel[customer.role]}
            </span>
          </div>
        </section>

        <section className="mc-card mc-list">
          <Row
            icon={<Phone size={18} />}
            label="Số điện thoại"
            value={customer.phoneMasked ? fmtPhone(customer.phoneMasked) : "Chưa chia sẻ"}
            testId="account-phone"
          />
          <Row icon={<MessageCircle size={18} />} label="Official Account" value={customer.followsOa ? "Đang quan tâm" : "Chưa quan tâm"} testId="account-oa" />
          {customer.role !== "customer" ? (
            <Row
              icon={<Store size={18} />}
              label="Cửa hàng"
              value={
                customer.role === "admin" && customer.storeIds.length === 0
                  ? "Tất cả cửa hàng"
                  : customer.storeIds.map((id) => storeNames?.[id] ?? id).join(", ") || "Chưa được phân công"
              }
              testId="account-stores"
            />
          ) : null}
        </section>

        <BirthdayCard />

        <button className="mc-card mc-row prefs-link" onClick={() => navigate("/message-prefs")} data-testid="open-message-prefs">
          <span className="mc-row-icon">
            <Bell size={18} />
          </span>
          <span className="mc-row-label">Tin nhắn từ cửa hàng</span>
          <ChevronRight size={18} />
        </button>

        {zalo.demo ? <PersonaSwitcher demo={zalo.demo} /> : null}
      </div>
    </Page>
  );
}

function Row({ icon, label, value, testId }: { icon: React.ReactNode; label: string; value: string; testId?: string }) {
  return (
    <div className="mc-row">
      <span className="mc-row-icon">{icon}</span>
      <span className="mc-row-label">{label}</span>
      <span className="mc-row-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
