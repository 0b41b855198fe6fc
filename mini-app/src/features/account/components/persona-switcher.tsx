import { useState } from "react";
import { FlaskConical } from "lucide-react";
import type { DemoPersona, ZaloAdapter } from "../../../zalo";
import { useSignIn } from "../../../session";
import { Card } from "../../../components/card";
import { UserAvatar } from "../../../components/avatar";
import { useToast } from "../../../components/use-toast";
import { useLoad } from "../../../lib/use-load";

const PERSONA_ROLE: Record<string, string> = { shopper: "Khách hàng", staff: "Nhân viên", admin: "Quản trị" };

/** Emulator builds only: sign in again as another demo persona (never present in a Zalo build). */
export function PersonaSwitcher({ demo }: { demo: NonNullable<ZaloAdapter["demo"]> }) {
  const { data, error } = useLoad(() => demo.personas(), [demo]);
  const personas = data ?? (error ? [] : null); // none to offer when the emulator does not answer
  const [current, setCurrent] = useState(demo.current());
  const [busy, setBusy] = useState<string | null>(null);
  const signIn = useSignIn();
  const toast = useToast();

  async function choose(p: DemoPersona) {
    if (p.key === current || busy) return;
    const previous = current;
    setBusy(p.key);
    demo.switchTo(p.key);
    const customer = await signIn({ quiet: true });
    setBusy(null);
    if (customer) {
      setCurrent(p.key);
      toast.success(`Đã chuyển sang ${customer.name}`);
    } else {
      demo.switchTo(previous); // the previous JWT is still in use: nothing else to undo
      toast.error("Không chuyển được tài khoản demo");
    }
  }

  return (
    <Card icon={<FlaskConical size={20} />} title="Tài khoản demo" testId="persona-switcher">
      <p className="mc-muted">Chỉ có trong bản demo: đăng nhập lại qua Zalo giả lập bằng một nhân vật khác.</p>
      <div className="mc-personas">
        {(personas ?? []).map((p) => (
          <button
            key={p.key}
            className={`mc-persona${p.key === current ? " active" : ""}`}
            onClick={() => void choose(p)}
            disabled={busy !== null}
            data-testid={`persona-${p.key}`}
            aria-pressed={p.key === current}
          >
            <UserAvatar src={p.avatar} name={p.name} size={40} />
            <span className="mc-persona-name">{p.name}</span>
            <span className="mc-persona-role">{busy === p.key ? "Đang chuyển…" : (PERSONA_ROLE[p.key] ?? p.key)}</span>
          </button>
        ))}
        {personas === null ? <span className="mc-muted">Đang tải…</span> : null}
      </div>
    </Card>
  );
}
