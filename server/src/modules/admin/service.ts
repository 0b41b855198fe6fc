import { randomUUID } from "node:crypto";
import { ErrorCode, type ConsoleUser, type Operator, type OperatorCreate, type OperatorRole, type OperatorUpdate } from "@mc/shared";
import { q, type Awaitable, type Store } from "../../db/store";
import { AppError, unauthenticated } from "../../errors";
import type { Principal, TokenClaims } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { hashPassword, verifyPassword } from "./password";
import type { AdminRepo, OperatorAuth, OperatorRow } from "./repo";
import { createLoginGuard, DEFAULT_LOGIN_GUARD, type LoginGuardOptions } from "./login-guard";

// Compared against when the email is unknown, so a wrong email and a wrong password take the same time.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const notFound = () => new AppError(ErrorCode.OPERATOR_NOT_FOUND, "Console account not found");

export function createAdminService(deps: {
  store: Store;
  repo: AdminRepo;
  storeExists: (id: string) => Awaitable<boolean>;
  issueToken: (p: TokenClaims & { kind: "operator" }) => string;
  now: () => number;
  loginGuard?: LoginGuardOptions;
}) {
  const { store, repo, now } = deps;
  const guard = createLoginGuard(now, deps.loginGuard ?? DEFAULT_LOGIN_GUARD);

  const toOperator = async (row: OperatorRow): Promise<Operator> => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    storeIds: await repo.storeIdsOf(row.id),
    active: row.active,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt),
  });
  const toUser = async (row: OperatorRow): Promise<ConsoleUser & { email: string }> => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    storeIds: await repo.storeIdsOf(row.id),
  });
  const tokenFor = (row: OperatorRow) => deps.issueToken({ sub: row.id, kind: "operator", sv: row.sessionVersion });

  /** Creates the first admin (an owner) from ADMIN_EMAIL/ADMIN_PASSWORD; an existing admin is never overwritten. */
  async function bootstrap(email: string | undefined, password: string | undefined) {
    if (!email || !password) return;
    const normalized = email.trim().toLowerCase();
    if (await repo.byEmail(normalized)) return;
    const passwordHash = await hashPassword(password);
    await repo.insert({ id: randomUUID(), email: normalized, passwordHash, role: "owner", createdAt: now() });
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
    const row = await repo.byEmail(key);
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok) throw new AppError(ErrorCode.ADMIN_LOGIN_FAILED, "Wrong email or password");
    guard.succeeded(key);
    // Said only to someone who knows the password: they need an owner, not another try.
    if (!row.active) throw new AppError(ErrorCode.ADMIN_ACCOUNT_DISABLED, "This console account has been deactivated: ask the shop's owner");
    return { token: tokenFor(row), admin: await toUser(row) };
  }

  /**
   * The principal behind an operator's token, read from the row on every request: a deactivated account, or
   * a session from before a password reset or a deactivation (its version), is nobody.
   */
  const toPrincipal = (a: OperatorAuth | undefined, sv: number): Principal | null => {
    if (!a || !a.active || a.sessionVersion !== sv) return null;
    const storeIds = a.role === "store_manager" ? Object.freeze(a.storeIds) : Object.freeze([] as string[]);
    return { kind: "operator", id: a.id, console: a.role, role: a.role === "store_manager" ? "staff" : "admin", storeIds };
  };
  /** Every console request: on SQLite answered at once, without a promise. */
  function loadOperator(claims: { sub: string; sv?: number }): Principal | null | Promise<Principal | null> {
    const a = repo.auth(claims.sub);
    const sv = claims.sv ?? 0;
    return a instanceof Promise ? a.then((x) => toPrincipal(x, sv)) : toPrincipal(a, sv);
  }

  /** Who is signed in: for an operator their account; a Zalo admin reads as an owner (they may do what one does). */
  async function me(p: Principal): Promise<ConsoleUser> {
    if (p.kind === "operator") {
      const row = await repo.byId(p.id);
      if (!row) throw unauthenticated("This account no longer exists");
      return toUser(row);
    }
    return { id: p.id, email: null, name: "", role: "owner", storeIds: [] };
  }

  // ---- the accounts (owners only: the routes say so) ----

  async function assertStores(role: OperatorRole, storeIds: string[]) {
    const known = await Promise.all(storeIds.map((s) => deps.storeExists(s)));
    const unknown = storeIds.filter((_, i) => !known[i]);
    if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`, { storeIds: unknown });
    return role === "store_manager" ? [...new Set(storeIds)].sort() : [];
  }

  /** Demoting or deactivating an active owner must leave another one. Inside the change's transaction. */
  function* assertOwnerRemains(row: OperatorRow) {
    if (row.role === "owner" && row.active && (yield* q(repo.activeOwners())) <= 1)
      throw new AppError(ErrorCode.LAST_OWNER, "This is the last active owner: make another account an owner first");
  }

  const list = async () => Promise.all((await repo.list()).map(toOperator));

  async function get(id: string) {
    const row = await repo.byId(id);
    if (!row) throw notFound();
    return toOperator(row);
  }

  async function create(actor: Principal, input: OperatorCreate): Promise<Operator> {
    const storeIds = await assertStores(input.role, input.storeIds);
    if (await repo.byEmail(input.email)) throw new AppError(ErrorCode.OPERATOR_EMAIL_TAKEN, "Another console account already uses this email");
    const passwordHash = await hashPassword(input.password);
    const id = randomUUID();
    const at = now();
    await store.tx(function* () {
      // Checked again inside the transaction: the email may have been taken while the password was hashing.
      if (!(yield* q(repo.insert({ id, email: input.email, name: input.name, role: input.role, storeIds, passwordHash, createdAt: at }))))
        throw new AppError(ErrorCode.OPERATOR_EMAIL_TAKEN, "Another console account already uses this email");
      yield* q(
        audit(store, {
          actor: actorOf(actor),
          action: "operator.create",
          targetId: id,
          details: { email: input.email, name: input.name, role: input.role, storeIds },
          at,
        }),
      );
    });
    return get(id);
  }

  async function update(actor: Principal, id: string, input: OperatorUpdate): Promise<Operator> {
    const storeIds = await assertStores(input.role, input.storeIds);
    const at = now();
    await store.tx(function* () {
      const row = yield* q(repo.byId(id));
      if (!row) throw notFound();
      if (input.role !== "owner") yield* assertOwnerRemains(row);
      const before = { name: row.name, role: row.role, storeIds: yield* q(repo.storeIdsOf(id)) };
      yield* q(repo.update(id, { name: input.name, role: input.role, storeIds, now: at }));
      yield* q(
        audit(store, {
          actor: actorOf(actor),
          action: "operator.update",
          targetId: id,
          details: { from: before, to: { name: input.name, role: input.role, storeIds } },
          at,
        }),
      );
    });
    return get(id);
  }

  async function setActive(actor: Principal, id: string, active: boolean): Promise<Operator> {
    const at = now();
    await store.tx(function* () {
      const row = yield* q(repo.byId(id));
      if (!row) throw notFound();
      if (row.active === active) return; // already so: nothing to record
      if (!active) yield* assertOwnerRemains(row);
      yield* q(repo.setActive(id, active, at));
      yield* q(audit(store, { actor: actorOf(actor), action: active ? "operator.reactivate" : "operator.deactivate", targetId: id, at }));
    });
    return get(id);
  }

  /** An owner sets someone's password (they forgot it, or it leaked): that account's sessions end. */
  async function resetPassword(actor: Principal, id: string, password: string): Promise<Operator> {
    if (!(await repo.byId(id))) throw notFound();
    const passwordHash = await hashPassword(password);
    const at = now();
    await store.tx(function* () {
      if (!(yield* q(repo.byId(id)))) throw notFound();
      yield* q(repo.setPassword(id, passwordHash, at));
      yield* q(audit(store, { actor: actorOf(actor), action: "operator.password_reset", targetId: id, at }));
    });
    return get(id);
  }

  /** Anyone signed in to the console changes their own password; their other sessions end, this one gets a new token. */
  async function changeOwnPassword(p: Principal, currentPassword: string, newPassword: string) {
    const row = p.kind === "operator" ? await repo.byId(p.id) : undefined;
    if (!row) throw notFound();
    if (!(await verifyPassword(currentPassword, row.passwordHash))) throw new AppError(ErrorCode.PASSWORD_INCORRECT, "The current password is not right");
    const passwordHash = await hashPassword(newPassword);
    const at = now();
    const after = await store.tx(function* () {
      yield* q(repo.setPassword(row.id, passwordHash, at));
      yield* q(audit(store, { actor: actorOf(p), action: "operator.password_change", targetId: row.id, at }));
      return (yield* q(repo.byId(row.id)))!;
    });
    return { token: tokenFor(after), admin: await toUser(after) };
  }

  return { bootstrap, login, loadOperator, me, list, get, create, update, setActive, resetPassword, changeOwnPassword };
}

export type AdminService = ReturnType<typeof createAdminService>;
