import { randomUUID } from "node:crypto";
import { ErrorCode } from "@mc/shared";
import { AppError, unauthenticated } from "../../errors";
import type { Principal } from "../../http/auth";
import { hashPassword, verifyPassword } from "./password";
import type { AdminRepo } from "./repo";
import { createLoginGuard, DEFAULT_LOGIN_GUARD, type LoginGuardOptions } from "./login-guard";

// Compared against when the email is unknown, so a wrong email and a wrong password take the same time.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export function createAdminService(deps: {
  repo: AdminRepo;
  issueToken: (p: { sub: string; kind: "operator" }) => string;
  now: () => number;
  loginGuard?: LoginGuardOptions;
}) {
  const { repo, now } = deps;
  const guard = createLoginGuard(now, deps.loginGuard ?? DEFAULT_LOGIN_GUARD);

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD; an existing admin is never overwritten. */
  async function bootstrap(email: string | undefined, password: string | undefined) {
    if (!email || !password) return;
    const normalized = email.trim().toLowerCase();
    if (repo.byEmail(normalized)) return;
    const passwordHash = await hashPassword(password);
    repo.insert({ id: randomUUID(), email: normalized, passwordHash, createdAt: now() });
  }

  async function login(email: string, password: string) {
    const key = email.trim().toLowerCase();
    const attempt = guard.begin(key);
    if (!attempt.ok) {
      const retryAfterSeconds = Math.ceil(attempt.retryAfterMs / 1000);
      throw new AppError(ErrorCode.ADMIN_LOGIN_LOCKED, `Too many wrong passwords for this account: try again in ${Math.ceil(retryAfterSeconds / 60)} min`, {
        retryAfterSeconds,
      });
    }
    const row = repo.byEmail(key);
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok) throw new AppError(ErrorCode.ADMIN_LOGIN_FAILED, "Wrong email or password");
    guard.succeeded(key);
    return { token: deps.issueToken({ sub: row.id, kind: "operator" }), admin: { id: row.id, email: row.email } };
  }

  /** Who a session is: the console checks its stored token with this on load (a 401 sends it to sign-in). */
  function me(p: Principal): { admin: { id: string; email: string | null } } {
    if (p.kind === "customer") return { admin: { id: p.id, email: null } };
    const row = repo.byId(p.id);
    if (!row) throw unauthenticated("This account no longer exists");
    return { admin: row };
  }

  function loadOperator(id: string): Principal | null {
    return repo.exists(id) ? { kind: "operator", id, role: "admin", storeIds: [] } : null;
  }

  return { bootstrap, login, me, loadOperator };
}

export type AdminService = ReturnType<typeof createAdminService>;
