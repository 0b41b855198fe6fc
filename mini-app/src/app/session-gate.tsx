import { useEffect, type ReactNode } from "react";
import { RefreshCw, WifiOff } from "lucide-react";
import { useSessionState, useSignIn } from "../session";
import { describeError } from "@mc/web/error-messages";

/** Signs in on start (adapter token → /api/auth/zalo) and renders the app only once someone is signed in. */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useSessionState();
  const signIn = useSignIn();

  useEffect(() => {
    void signIn();
  }, [signIn]);

  if (session.status === "loading") return <HomeSkeleton />;
  if (session.status === "error") return <SignInError code={session.code} onRetry={() => void signIn()} />;
  return <>{children}</>;
}

export function HomeSkeleton() {
  return (
    <div className="mc-skeleton" aria-busy="true" aria-label="Đang đăng nhập" data-testid="session-loading">
      <div className="mc-hero">
        <div className="mc-hero-row">
          <span className="sk sk-circle" />
          <div style={{ flex: 1 }}>
            <span className="sk sk-line" style={{ width: "40%", opacity: 0.5 }} />
            <span className="sk sk-line" style={{ width: "70%", height: 20 }} />
          </div>
        </div>
      </div>
      <div className="mc-content">
        {[0, 1].map((i) => (
          <div className="mc-card" key={i}>
            <span className="sk sk-line dark" style={{ width: "45%" }} />
            <span className="sk sk-line dark" style={{ width: "90%" }} />
            <span className="sk sk-line dark" style={{ width: "30%", height: 36, borderRadius: 18 }} />
          </div>
        ))}
      </div>
    </div>
  );
}

function SignInError({ code, onRetry }: { code: string; onRetry: () => void }) {
  const { title, hint } = describeError(code);
  return (
    <div className="mc-error-screen" role="alert" data-testid="session-error" data-code={code}>
      <span className="mc-error-icon">
        <WifiOff size={36} />
      </span>
      <h1>{title}</h1>
      {hint ? <p>{hint}</p> : null}
      <button className="mc-btn primary" onClick={onRetry}>
        <RefreshCw size={18} /> Thử lại
      </button>
      <small>Mã lỗi: {code}</small>
    </div>
  );
}
