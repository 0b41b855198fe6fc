import { lazy, Suspense, useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import {
  Award,
  ChartColumn,
  Clock,
  Coffee,
  Gamepad2,
  History,
  Undo2,
  LayoutTemplate,
  LogOut,
  Megaphone,
  Menu,
  MessagesSquare,
  MessageSquareText,
  ShieldCheck,
  Store,
  Ticket,
  UserCog,
  UsersRound,
  X,
} from "lucide-react";
import type { AdminMe } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { api, session, SESSION_KEYS, setSignedOutHandler, type Admin } from "./api";
import { ErrorBox, Spinner, useAction } from "./ui";
import { RulesPage } from "./pages/rules";
import { BroadcastsPage } from "./pages/broadcasts";
import { BroadcastPage } from "./pages/broadcast";
import { ZnsPage } from "./pages/zns";
import { VouchersPage } from "./pages/vouchers";
import { GamesPage } from "./pages/games";
import { Bot, Layers, Link2, Star, Users, Workflow } from "lucide-react";
// With the shell: every page shows the OA's reconnect alert.
import { OaPage, ReconnectBanner, type OaStatus } from "./pages/oa";
import { CustomersPage } from "./pages/customers";
import { CustomerProfilePage } from "./pages/customer-profile";
import { SegmentsPage } from "./pages/segments";
import { SegmentEditorPage } from "./pages/segment-editor";
import { StoresPage } from "./pages/stores";
import { useHashRoute } from "./routing";
import { LOGIN_FIELDS } from "./field-labels";
import { ROLE_LABEL, type ConsoleRole } from "./labels";

// Its own chunk (with the chart library): the console's first load does not pay for it.
const DashboardPage = lazy(() => import("./pages/dashboard"));
// The owner's and store manager's pages load when opened: a marketer's first load does not carry them.
const AccountsPage = lazy(() => import("./pages/accounts").then((m) => ({ default: m.AccountsPage })));
const StaffPage = lazy(() => import("./pages/staff").then((m) => ({ default: m.StaffPage })));
const AuditPage = lazy(() => import("./pages/audit").then((m) => ({ default: m.AuditPage })));
const RefundsPage = lazy(() => import("./pages/refunds").then((m) => ({ default: m.RefundsPage })));
const LoyaltyRulesPage = lazy(() => import("./pages/loyalty-rules").then((m) => ({ default: m.LoyaltyRulesPage })));
const MenuPage = lazy(() => import("./pages/menu").then((m) => ({ default: m.MenuPage })));
const AutoRepliesPage = lazy(() => import("./pages/auto-replies").then((m) => ({ default: m.AutoRepliesPage })));
const AutomationsPage = lazy(() => import("./pages/automations").then((m) => ({ default: m.AutomationsPage })));
const AutomationEditorPage = lazy(() => import("./pages/automations").then((m) => ({ default: m.AutomationEditorPage })));
const RatingsPage = lazy(() => import("./pages/ratings").then((m) => ({ default: m.RatingsPage })));
const InboxPage = lazy(() => import("./pages/inbox").then((m) => ({ default: m.InboxPage })));
const CannedPage = lazy(() => import("./pages/canned").then((m) => ({ default: m.CannedPage })));

// Each page with the console roles that may use it (the server's route roles: README "Console roles").
const CRM: readonly ConsoleRole[] = ["owner", "marketer"];
type NavItem = { key: string; label: string; icon: typeof ChartColumn; roles: readonly ConsoleRole[] };
const NAV: NavItem[] = [
  { key: "dashboard", label: "Tổng quan", icon: ChartColumn, roles: CRM },
  { key: "rules", label: "Quy tắc chăm sóc", icon: ShieldCheck, roles: CRM },
  { key: "customers", label: "Khách hàng", icon: Users, roles: CRM },
  { key: "segments", label: "Phân khúc", icon: Layers, roles: CRM },
  { key: "broadcasts", label: "Chiến dịch gửi tin", icon: Megaphone, roles: CRM },
  { key: "automations", label: "Tự động hoá", icon: Workflow, roles: CRM },
  { key: "zns", label: "Mẫu ZNS", icon: LayoutTemplate, roles: CRM },
  { key: "auto-replies", label: "Tự động trả lời", icon: Bot, roles: CRM },
  { key: "ratings", label: "Đánh giá đơn hàng", icon: Star, roles: CRM },
  { key: "vouchers", label: "Voucher", icon: Ticket, roles: CRM },
  { key: "games", label: "Trò chơi", icon: Gamepad2, roles: CRM },
  { key: "stores", label: "Cửa hàng", icon: Store, roles: ["owner"] },
  { key: "menu", label: "Thực đơn", icon: Coffee, roles: ["owner"] },
  { key: "staff", label: "Nhân viên", icon: UsersRound, roles: ["owner", "store_manager"] },
  { key: "loyalty", label: "Tích điểm & hạng", icon: Award, roles: ["owner"] },
  { key: "accounts", label: "Tài khoản quản trị", icon: UserCog, roles: ["owner"] },
  { key: "refunds", label: "Hoàn tiền", icon: Undo2, roles: ["owner"] },
  { key: "audit", label: "Nhật ký thao tác", icon: History, roles: ["owner"] },
  { key: "oa", label: "Kết nối OA", icon: Link2, roles: ["owner"] },
  // Who answers customers: owners and store managers (the server's staff routes; marketers do not serve customers).
  { key: "inbox", label: "Hộp thư OA", icon: MessagesSquare, roles: ["owner", "store_manager"] },
  { key: "canned", label: "Câu trả lời mẫu", icon: MessageSquareText, roles: CRM },
];

/** Where the console is: checking a stored session with the server, signed in, or at sign-in (after an expiry, saying so). */
type Gate = { state: "checking" } | { state: "in"; admin: Admin } | { state: "out"; expired: boolean };

function storedGate(): Gate {
  if (!session.token()) return { state: "out", expired: false };
  const exp = session.expiresAt();
  if (exp !== null && exp <= Date.now()) {
    session.clear();
    return { state: "out", expired: true };
  }
  return { state: "checking" };
}

export function ConsoleApp() {
  const [gate, setGate] = useState<Gate>(storedGate);
  const expire = useCallback(() => {
    session.clear();
    setGate({ state: "out", expired: true });
  }, []);
  // A 401 on any call: the client has already dropped the token.
  useEffect(() => setSignedOutHandler(() => setGate({ state: "out", expired: true })), []);

  // A stored token is checked with the server before the shell shows; only a 401 ends it (the handler above).
  useEffect(() => {
    if (gate.state !== "checking") return;
    let alive = true;
    const stored = session.admin();
    api
      .get<AdminMe>("/api/admin/me")
      .then(({ admin }) => {
        // The role and stores as the server has them now (an owner may have changed them since sign-in).
        const me: Admin = { ...stored, ...admin, email: admin.email ?? stored?.email ?? "" };
        session.set(session.token()!, me);
        if (alive) setGate({ state: "in", admin: me });
      })
      .catch((e: unknown) => {
        if (!alive || (e instanceof ApiError && e.status === 401)) return;
        // The server cannot be asked now (network, 5xx): keep the session; the pages say what fails.
        if (stored) setGate({ state: "in", admin: stored });
        else expire();
      });
    return () => {
      alive = false;
    };
  }, [gate.state, expire]);

  // Signed in: back to sign-in the moment the token expires, without waiting for a call to fail.
  useEffect(() => {
    if (gate.state !== "in") return;
    const exp = session.expiresAt();
    if (exp === null) return;
    const t = setTimeout(expire, Math.max(0, exp - Date.now()));
    return () => clearTimeout(t);
  }, [gate, expire]);

  // Another tab signed in or out: follow it.
  useEffect(() => {
    const on = (e: StorageEvent) => {
      if (e.key !== null && !SESSION_KEYS.includes(e.key)) return;
      setGate((g) => (session.token() ? (g.state === "in" ? g : { state: "checking" }) : g.state === "out" ? g : { state: "out", expired: false }));
    };
    window.addEventListener("storage", on);
    return () => window.removeEventListener("storage", on);
  }, []);

  if (gate.state === "checking")
    return (
      <div className="mc-console c-login-wrap" data-testid="session-checking">
        <div className="c-login">
          <Spinner label="Đang kiểm tra phiên đăng nhập…" />
        </div>
      </div>
    );
  if (gate.state === "out") return <SignIn expired={gate.expired} onSignedIn={(admin) => setGate({ state: "in", admin })} />;
  return (
    <Shell
      admin={gate.admin}
      onSignOut={() => {
        session.clear();
        setGate({ state: "out", expired: false });
      }}
    />
  );
}

function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: (a: Admin) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() => api.post<{ token: string; admin: Admin }>("/api/admin/login", { email: email.trim(), password }, { auth: false }));
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
        {expired && !error && (
          <div className="c-notice" role="status" data-testid="session-expired">
            <Clock size={18} />
            <span>{describeError(ErrorCode.UNAUTHENTICATED).title}</span>
          </div>
        )}
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
        <ErrorBox error={error} testId="login-error" fields={LOGIN_FIELDS} />
        <button className="c-btn c-btn-primary c-btn-block" disabled={busy} data-testid="login-submit">
          {busy ? "Đang đăng nhập…" : "Đăng nhập"}
        </button>
      </form>
    </div>
  );
}

function Shell({ admin, onSignOut }: { admin: Admin; onSignOut: () => void }) {
  // A session stored before roles has none: it was an owner's (the check on load brings the role).
  const role: ConsoleRole = admin.role ?? "owner";
  const nav = NAV.filter((n) => n.roles.includes(role));
  // The warming rules open first, as before roles; a store manager starts on their staff.
  const home = nav.some((n) => n.key === "rules") ? "rules" : (nav[0]?.key ?? "rules");
  const [hashPage, id] = useHashRoute();
  const page = window.location.hash.replace(/^#\/?/, "").split("?")[0] ? (hashPage ?? home) : home;
  const menu = useNavMenu(page, id);
  const oa = useOaStatus(role, page);
  let body;
  const known = NAV.find((n) => n.key === page);
  if (known && !known.roles.includes(role)) body = <NotForRole />;
  else if (page === "accounts") body = <AccountsPage id={id} />;
  else if (page === "staff") body = <StaffPage />;
  else if (page === "inbox") body = <InboxPage id={id} role={role} />;
  else if (page === "canned") body = <CannedPage />;
  else if (page === "audit") body = <AuditPage />;
  else if (page === "oa") body = <OaPage />;
  else if (page === "refunds") body = <RefundsPage />;
  else if (page === "loyalty") body = <LoyaltyRulesPage />;
  else if (page === "broadcasts" && id) body = <BroadcastPage key={id} id={id} />;
  else if (page === "broadcasts") body = <BroadcastsPage />;
  else if (page === "customers" && id) body = <CustomerProfilePage key={id} id={id} />;
  else if (page === "customers") body = <CustomersPage />;
  else if (page === "segments" && id) body = <SegmentEditorPage key={id} id={id} />;
  else if (page === "segments") body = <SegmentsPage />;
  else if (page === "automations" && id) body = <AutomationEditorPage key={id} id={id} />;
  else if (page === "automations") body = <AutomationsPage />;
  else if (page === "zns") body = <ZnsPage />;
  else if (page === "vouchers") body = <VouchersPage />;
  else if (page === "games") body = <GamesPage id={id} />;
  else if (page === "stores") body = <StoresPage id={id} />;
  else if (page === "menu") body = <MenuPage id={id} />;
  else if (page === "dashboard") body = <DashboardPage />;
  else if (page === "rules") body = <RulesPage />;
  else if (page === "auto-replies") body = <AutoRepliesPage />;
  else if (page === "ratings") body = <RatingsPage />;
  else body = <UnknownPage home={home} />;
  return (
    <div className="mc-console c-shell">
      <nav className={`c-nav${menu.open ? " c-nav-open" : ""}`} aria-label="Điều hướng" ref={menu.nav}>
        <div className="c-nav-inner">
          <div className="c-brand">
            <span className="c-logo">MC</span>
            <div>
              <div className="c-brand-name">Master Channel</div>
              <div className="c-muted c-small">Quản trị</div>
            </div>
          </div>
          {/* Phone width: the page's name and a menu button; the links drop down below the bar. */}
          <span className="c-nav-here" aria-hidden="true">
            {nav.find((n) => n.key === page)?.label ?? ""}
          </span>
          <button
            type="button"
            className="c-btn c-nav-toggle"
            aria-expanded={menu.open}
            aria-controls="c-nav-panel"
            aria-label={menu.open ? "Đóng menu" : "Mở menu"}
            onClick={menu.toggle}
            ref={menu.button}
            data-testid="shell-menu-toggle"
          >
            {menu.open ? <X size={18} /> : <Menu size={18} />}
            <span className="c-nav-toggle-text">Menu</span>
          </button>
          <div className="c-nav-panel" id="c-nav-panel" data-testid="shell-nav-panel">
            <ul>
              {nav.map(({ key, label, icon: Icon }) => (
                <li key={key}>
                  <a
                    href={`#/${key}`}
                    className={page === key ? "active" : ""}
                    data-testid={`nav-${key}`}
                    aria-current={page === key ? "page" : undefined}
                    onClick={menu.close}
                  >
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
        </div>
      </nav>
      <main className="c-main" id="c-main" tabIndex={-1} ref={menu.main}>
        {oa && page !== "oa" && (
          <div className="c-page c-page-banner">
            <ReconnectBanner status={oa} canConnect={role === "owner"} />
          </div>
        )}
        <Suspense fallback={<div className="c-page">{<Spinner />}</div>}>{body}</Suspense>
      </main>
    </div>
  );
}

/** The OA's connection, for the reconnect alert: asked on each page change (owners and marketers; the route's roles). */
function useOaStatus(role: ConsoleRole, page: string): OaStatus | null {
  const [status, setStatus] = useState<OaStatus | null>(null);
  useEffect(() => {
    if (role !== "owner" && role !== "marketer") return;
    let alive = true;
    api.get<OaStatus>("/api/admin/oa").then(
      (s) => alive && setStatus(s),
      () => undefined, // the alert is a hint: a failed read leaves the page as it is
    );
    return () => {
      alive = false;
    };
  }, [role, page]);
  return status;
}

/**
 * The phone-width menu: a button (aria-expanded) opens the links; opening moves focus to the current page's
 * link, Escape closes and gives focus back to the button, and choosing a page, a click outside or tabbing
 * out closes it. At desktop width the button is hidden and the links always show (CSS).
 */
function useNavMenu(page: string, id: string | undefined) {
  const [open, setOpen] = useState(false);
  const nav = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);
  // A page chosen (or the hash changed by a link in the page): the menu has done its work.
  useEffect(() => setOpen(false), [page, id]);
  useEffect(() => {
    if (open) (nav.current?.querySelector<HTMLElement>("#c-nav-panel a.active") ?? nav.current?.querySelector<HTMLElement>("#c-nav-panel a"))?.focus();
    wasOpen.current = open;
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    const onDown = (e: PointerEvent) => {
      if (!nav.current?.contains(e.target as Node)) setOpen(false);
    };
    const onFocus = (e: FocusEvent) => {
      if (!nav.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("focusin", onFocus);
    };
  }, [open]);
  const close = useCallback(() => {
    // A link chosen from the open menu: focus goes to the page it opens, not back to the top of the menu.
    if (wasOpen.current) main.current?.focus({ preventScroll: true });
    setOpen(false);
  }, []);
  const toggle = useCallback(() => setOpen((o) => !o), []);
  return { open, toggle, close, nav, button, main };
}

/** A link to no page of the console (a typo, an old bookmark). */
function UnknownPage({ home }: { home: string }) {
  return (
    <div className="c-page">
      <div className="c-not-found" role="status" data-testid="not-found">
        <div>
          <div className="c-error-msg">Không tìm thấy trang này.</div>
          <p className="c-muted">Đường dẫn không trỏ tới trang nào của trang quản trị.</p>
          <a href={`#/${home}`} className="c-btn c-btn-sm">
            Về trang đầu
          </a>
        </div>
      </div>
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
