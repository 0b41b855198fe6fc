import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from "react";
import { Award, ChartColumn, Gamepad2, History, LayoutTemplate, LogOut, Megaphone, ShieldCheck, Ticket, UserCog, UsersRound } from "lucide-react";
import { api, session, setSignedOutHandler, type Admin } from "./api";
import { ErrorBox, Spinner, useAction } from "./ui";
import { RulesPage } from "./pages/Rules";
import { BroadcastsPage } from "./pages/Broadcasts";
import { BroadcastPage } from "./pages/Broadcast";
import { ZnsPage } from "./pages/Zns";
import { VouchersPage } from "./pages/Vouchers";
import { GamesPage } from "./pages/Games";
import { Layers, Users } from "lucide-react";
import { CustomersPage } from "./pages/customers";
import { CustomerProfilePage } from "./pages/customer-profile";
import { SegmentsPage } from "./pages/segments";
import { SegmentEditorPage } from "./pages/segment-editor";
import { useHashRoute } from "./routing";
import { AccountsPage } from "./pages/accounts";
import { StaffPage } from "./pages/staff";
import { AuditPage } from "./pages/audit";
import { LoyaltyRulesPage } from "./pages/loyalty-rules";
import { ROLE_LABEL, type ConsoleRole } from "./labels";

// Its own chunk (with the chart library): the console's first load does not pay for it.
const DashboardPage = lazy(() => import("./pages/dashboard"));

// Each page with the console roles that may use it (the server's route roles: README "Console roles").
const CRM: readonly ConsoleRole[] = ["owner", "marketer"];
type NavItem = { key: string; label: string; icon: typeof ChartColumn; roles: readonly ConsoleRole[] };
const NAV: NavItem[] = [
  { key: "dashboard", label: "Tổng quan", icon: ChartColumn, roles: CRM },
  { key: "rules", label: "Quy tắc chăm sóc", icon: ShieldCheck, roles: CRM },
  { key: "customers", label: "Khách hàng", icon: Users, roles: CRM },
  { key: "segments", label: "Phân khúc", icon: Layers, roles: CRM },
  { key: "broadcasts", label: "Chiến dịch gửi tin", icon: Megaphone, roles: CRM },
  { key: "zns", label: "Mẫu ZNS", icon: LayoutTemplate, roles: CRM },
  { key: "vouchers", label: "Voucher", icon: Ticket, roles: CRM },
  { key: "games", label: "Trò chơi", icon: Gamepad2, roles: CRM },
  { key: "staff", label: "Nhân viên", icon: UsersRound, roles: ["owner", "store_manager"] },
  { key: "loyalty", label: "Tích điểm & hạng", icon: Award, roles: ["owner"] },
  { key: "accounts", label: "Tài khoản quản trị", icon: UserCog, roles: ["owner"] },
  { key: "audit", label: "Nhật ký thao tác", icon: History, roles: ["owner"] },
];

export function ConsoleApp() {
  const [admin, setAdmin] = useState<Admin | null>(() => (session.token() ? session.admin() : null));
  useEffect(() => setSignedOutHandler(() => setAdmin(null)), []);
  if (!admin) return <SignIn onSignedIn={setAdmin} />;
  return (
    <Shell
      admin={admin}
      onSignOut={() => {
        session.clear();
        setAdmin(null);
      }}
    />
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (a: Admin) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() => api.post<{ token: string; admin: Admin }>("/api/admin/login", { email: email.trim(), password }));
    if (r) {
      session.set(r.token, r.admin);
      onSignedIn(r.admin);
    }
  };
  return (
    <div className="mc-console c-login-wrap">
      <form className="c-login" onSubmit={submit} data-testid="login-form">
        <div className="c-brand c-brand-lg">
          <span className="c-logo">MC</span>
          <div>
            <div className="c-brand-name">Master Channel</div>
            <div className="c-muted">Trang quản trị cửa hàng</div>
          </div>
        </div>
        <label className="c-field">
          <span className="c-label">Email</span>
          <input
            className="c-input"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="login-email"
            required
          />
        </label>
        <label className="c-field">
          <span className="c-label">Mật khẩu</span>
          <input
            className="c-input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
            required
          />
        </label>
        <ErrorBox error={error} testId="login-error" />
        <button className="c-btn c-btn-primary c-btn-block" disabled={busy} data-testid="login-submit">
          {busy ? "Đang đăng nhập…" : "Đăng nhập"}
        </button>
      </form>
    </div>
  );
}

function Shell({ admin: signedIn, onSignOut }: { admin: Admin; onSignOut: () => void }) {
  // The role as of now (an owner may have changed it since sign-in; a session from before roles has none).
  const [admin, setAdmin] = useState(signedIn);
  useEffect(() => {
    api
      .get<{ admin: Admin }>("/api/admin/me")
      .then((r) => {
        const token = session.token();
        if (token) session.set(token, r.admin);
        setAdmin(r.admin);
      })
      .catch(() => {});
  }, []);
  const role: ConsoleRole = admin.role ?? "owner";
  const nav = NAV.filter((n) => n.roles.includes(role));
  // The warming rules open first, as before roles; a store manager starts on their staff.
  const home = nav.some((n) => n.key === "rules") ? "rules" : (nav[0]?.key ?? "rules");
  const [hashPage, id] = useHashRoute();
  const page = window.location.hash.replace(/^#\/?/, "").split("?")[0] ? (hashPage ?? home) : home;
  // At phone width the nav is one sideways-scrolling row: bring the current page's link into it.
  const navList = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const ul = navList.current;
    const a = ul?.querySelector<HTMLElement>("a.active");
    if (ul && a && ul.scrollWidth > ul.clientWidth) ul.scrollLeft = a.offsetLeft - ul.offsetLeft - 40;
  }, [page]);
  let body;
  const known = NAV.find((n) => n.key === page);
  if (known && !known.roles.includes(role)) body = <NotForRole />;
  else if (page === "accounts") body = <AccountsPage />;
  else if (page === "staff") body = <StaffPage />;
  else if (page === "audit") body = <AuditPage />;
  else if (page === "loyalty") body = <LoyaltyRulesPage />;
  else if (page === "broadcasts" && id) body = <BroadcastPage id={id} />;
  else if (page === "broadcasts") body = <BroadcastsPage />;
  else if (page === "customers" && id) body = <CustomerProfilePage key={id} id={id} />;
  else if (page === "customers") body = <CustomersPage />;
  else if (page === "segments" && id) body = <SegmentEditorPage key={id} id={id} />;
  else if (page === "segments") body = <SegmentsPage />;
  else if (page === "zns") body = <ZnsPage />;
  else if (page === "vouchers") body = <VouchersPage />;
  else if (page === "games") body = <GamesPage />;
  else if (page === "dashboard")
    body = (
      <Suspense fallback={<div className="c-page">{<Spinner />}</div>}>
        <DashboardPage />
      </Suspense>
    );
  else if (role === "store_manager") body = <StaffPage />;
  else body = <RulesPage />;
  return (
    <div className="mc-console c-shell">
      <nav className="c-nav" aria-label="Điều hướng">
        <div className="c-nav-inner">
          <div className="c-brand">
            <span className="c-logo">MC</span>
            <div>
              <div className="c-brand-name">Master Channel</div>
              <div className="c-muted c-small">Quản trị</div>
            </div>
          </div>
          <ul ref={navList}>
            {nav.map(({ key, label, icon: Icon }) => (
              <li key={key}>
                <a href={`#/${key}`} className={page === key ? "active" : ""} data-testid={`nav-${key}`} aria-current={page === key ? "page" : undefined}>
                  <Icon size={18} /> {label}
                </a>
              </li>
            ))}
          </ul>
          <div className="c-nav-foot">
            <div className="c-small c-muted" data-testid="signed-in-as">
              {admin.email}
            </div>
            <div className="c-small c-muted" data-testid="signed-in-role">
              {ROLE_LABEL[role]}
            </div>
            <button className="c-btn c-btn-ghost c-btn-sm" onClick={onSignOut} data-testid="sign-out">
              <LogOut size={16} /> Đăng xuất
            </button>
          </div>
        </div>
      </nav>
      <main className="c-main">{body}</main>
    </div>
  );
}

function NotForRole() {
  return (
    <div className="c-page" data-testid="not-for-role">
      <div className="c-error" role="alert">
        <div>
          <div className="c-error-msg">Trang này không dành cho vai trò của bạn.</div>
          <div className="c-muted c-small">Hãy chọn một mục trong thanh điều hướng, hoặc nhờ chủ cửa hàng đổi vai trò cho bạn.</div>
        </div>
      </div>
    </div>
  );
}
