import { eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { ErrorCode, type Role } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { adminUsers, customerTags, stores } from "../../db/schema";
import { actorOf, audit } from "../../lib/audit";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import type { IdentityRepo } from "../identity/repo";
import { toCustomerView } from "../identity/service";
import { hashPassword, verifyPassword } from "./password";
import { createLoginGuard, DEFAULT_LOGIN_GUARD, type LoginGuardOptions } from "./login-guard";

// Compared against when the email is unknown, so a wrong email and a wrong password take the same time.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** What the other modules forget of a person whose data is erased; each runs inside the erasure's transaction. */
export type Forgetters = {
  outbox: (customerId: string, at: number) => { cancelled: number };
  webhookEvents: (zaloIds: string[]) => { redacted: number };
  /** In-memory state outside the database (held Zalo tokens); runs after the commit. */
  sessions: (customerId: string) => void;
};

export function createAdminService(deps: {
  db: Db;
  identityRepo: IdentityRepo;
  issueToken: (p: { sub: string; kind: "operator" }) => string;
  now: () => number;
  forget: Forgetters;
  loginGuard?: LoginGuardOptions;
}) {
  const { db, identityRepo, now } = deps;
  const guard = createLoginGuard(now, deps.loginGuard ?? DEFAULT_LOGIN_GUARD);

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD; an existing admin is never overwritten. */
  async function bootstrap(email: string | undefined, password: string | undefined) {
    if (!email || !password) return;
    const normalized = email.trim().toLowerCase();
    if (db.select({ id: adminUsers.id }).from(adminUsers).where(eq(adminUsers.email, normalized)).get()) return;
    const passwordHash = await hashPassword(password);
    db.insert(adminUsers).values({ id: randomUUID(), email: normalized, passwordHash, createdAt: now() }).onConflictDoNothing().run();
  }

  async function login(email: string, password: string) {
    const key = email.trim().toLowerCase();
    const attempt = guard.begin(key);
    if (!attempt.ok) {
      const retryAfterSeconds = Math.ceil(attempt.retryAfterMs / 1000);
      throw new AppError(ErrorCode.ADMIN_LOGIN_LOCKED, `Too many wrong passwords for this account: try again in ${Math.ceil(retryAfterSeconds / 60)} min`, { retryAfterSeconds });
    }
    const row = db.select().from(adminUsers).where(eq(adminUsers.email, key)).get();
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok) throw new AppError(ErrorCode.ADMIN_LOGIN_FAILED, "Wrong email or password");
    guard.succeeded(key);
    return { token: deps.issueToken({ sub: row.id, kind: "operator" }), admin: { id: row.id, email: row.email } };
  }

  function loadOperator(id: string): Principal | null {
    const row = db.select({ id: adminUsers.id }).from(adminUsers).where(eq(adminUsers.id, id)).get();
    return row ? { kind: "operator", id: row.id, role: "admin", storeIds: [] } : null;
  }

  /** Grants or revokes staff/admin. Staff must name at least one store: staff actions are store-scoped. */
  function setRole(actor: Principal, customerId: string, role: Role, storeIds: string[] = []) {
    const row = identityRepo.byId(customerId);
    if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const unique = [...new Set(storeIds)];
    if (role === "staff" && unique.length === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, "Staff must be assigned to at least one store");
    const unknown = unique.filter((s) => !identityRepo.storeExists(s));
    if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`);
    tx(db, () => {
      identityRepo.setRole(customerId, role, unique, now());
      audit(db, { actor: actorOf(actor), action: "role.set", targetId: customerId, details: { from: row.role, to: role, storeIds: unique }, at: now() });
    });
    return toCustomerView(identityRepo.byId(customerId)!, identityRepo.storeIdsOf(customerId));
  }

  function createStore(p: { id?: string; name: string; address?: string }) {
    const id = p.id ?? randomUUID();
    const inserted = db.insert(stores).values({ id, name: p.name, address: p.address ?? "", createdAt: now() }).onConflictDoNothing().run();
    if (inserted.changes === 0) throw new AppError(ErrorCode.CONFLICT, `Store ${id} already exists`);
    return db.select().from(stores).where(eq(stores.id, id)).get()!;
  }

  const listStores = () => db.select().from(stores).all();

  /** Replaces a customer's tags (audited); tags aim broadcasts. */
  function setTags(actor: Principal, customerId: string, tags: string[]) {
    if (!identityRepo.byId(customerId)) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const unique = [...new Set(tags)];
    tx(db, () => {
      db.delete(customerTags).where(eq(customerTags.customerId, customerId)).run();
      for (const tag of unique) db.insert(customerTags).values({ customerId, tag }).run();
      audit(db, { actor: actorOf(actor), action: "customer.tags", targetId: customerId, details: { tags: unique }, at: now() });
    });
    return unique;
  }

  const tagsOf = (customerId: string) => db.select({ tag: customerTags.tag }).from(customerTags).where(eq(customerTags.customerId, customerId)).all().map((r) => r.tag);

  /**
   * Erases a person's personal data on their request (Vietnam's Decree 13/2023 on personal data): one
   * transaction anonymises the customer row, drops their tags, cancels messages not yet sent and redacts
   * stored webhooks that name them. What the business must keep stays: points ledger and balance, vouchers,
   * orders, draws and the audit log (counts and totals unchanged), all keyed by the now anonymous id.
   */
  function erase(actor: Principal, customerId: string, reason: string) {
    const at = now();
    const result = tx(db, () => {
      const before = identityRepo.byId(customerId);
      if (!before) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      if (before.erasedAt !== null) throw new AppError(ErrorCode.CONFLICT, "This customer's data was already erased");
      identityRepo.erase(customerId, at);
      const tagsRemoved = db.delete(customerTags).where(eq(customerTags.customerId, customerId)).run().changes;
      const { cancelled } = deps.forget.outbox(customerId, at);
      const { redacted } = deps.forget.webhookEvents([before.zaloId, before.zaloOaId].filter((x): x is string => !!x));
      const counts = { tagsRemoved, messagesCancelled: cancelled, webhookEventsRedacted: redacted };
      // The tag lists once recorded for this person go from the audit details too (the rows, and so the counts, stay).
      db.$client.prepare("update audit_log set details = null where action = 'customer.tags' and target_id = ?").run(customerId);
      audit(db, { actor: actorOf(actor), action: "customer.erase", targetId: customerId, details: { reason, ...counts }, at });
      return counts;
    });
    deps.forget.sessions(customerId);
    return { customer: toCustomerView(identityRepo.byId(customerId)!, []), ...result };
  }

  return { bootstrap, login, loadOperator, setRole, createStore, listStores, setTags, tagsOf, erase };
}

export type AdminService = ReturnType<typeof createAdminService>;
