import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from "react";
import { ChartColumn, Gamepad2, LayoutTemplate, LogOut, Megaphone, ShieldCheck, Store, Ticket } from "lucide-react";
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
import { StoresPage } from "./pages/stores";
import { useHashRoute } from "./routing";

// Its own chunk (with the chart library): the console's first load does not pay for it.
const DashboardPage = lazy(() => import("./pages/dashboard"));

const NAV = [
  { key: "dashboard", label: "Tổng quan", icon: ChartColumn },
  { key: "rules", label: "Quy tắc chăm sóc", icon: ShieldCheck },
  { key: "customers", label: "Khách hàng", icon: Users },
  { key: "segments", label: "Phân khúc", icon: Layers },
  { key: "broadcasts", label: "Chiến dịch gửi tin", icon: Megaphone },
  { key: "zns", label: "Mẫu ZNS", icon: LayoutTemplate },
  { key: "vouchers", label: "Voucher", icon: Ticket },
  { key: "games", label: "Trò chơi", icon: Gamepad2 },
  { key: "stores", label: "Cửa hàng", icon: Store },
] as const;

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

function Shell({ admin, onSignOut }: { admin: Admin; onSignOut: () => void }) {
  const [page = "rules", id] = useHashRoute();
  // At phone width the nav is one sideways-scrolling row: bring the current page's link into it.
  const navList = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const ul = navList.current;
    const a = ul?.querySelector<HTMLElement>("a.active");
    if (ul && a && ul.scrollWidth > ul.clientWidth) ul.scrollLeft = a.offsetLeft - ul.offsetLeft - 40;
  }, [page]);
  let body;
  if (page === "broadcasts" && id) body = <BroadcastPage id={id} />;
  else if (page === "broadcasts") body = <BroadcastsPage />;
  else if (page === "customers" && id) body = <CustomerProfilePage key={id} id={id} />;
  else if (page === "customers") body = <CustomersPage />;
  else if (page === "segments" && id) body = <SegmentEditorPage key={id} id={id} />;
  else if (page === "segments") body = <SegmentsPage />;
  else if (page === "zns") body = <ZnsPage />;
  else if (page === "vouchers") body = <VouchersPage />;
  else if (page === "games") body = <GamesPage />;
  else if (page === "stores") body = <StoresPage id={id} />;
  else if (page === "dashboard")
    body = (
      <Suspense fallback={<div className="c-page">{<Spinner />}</div>}>
        <DashboardPage />
      </Suspense>
    );
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
            {NAV.map(({ key, label, icon: Icon }) => (
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
