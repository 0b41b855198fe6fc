import { ErrorCode, type StaffGrantBody, type StaffMember } from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { normalizeMemberCode } from "../../lib/codes";
import { storeReach } from "../../lib/scope";
import { formatMemberCode } from "../loyalty/service";
import type { CustomerRepo, CustomerRow } from "./repo";

const memberNotFound = () => new AppError(ErrorCode.MEMBER_NOT_FOUND, "Nobody with this member code or Zalo id");
const staffNotFound = () => new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "No staff member with this id at your stores");

/**
 * The console's staff grants: a person found by member code or either Zalo id is made staff of some stores,
 * and loses some or all of them. Owners act at every store; a store manager only at theirs (and sees only the
 * staff of their stores, with only those stores). Each change is a `role.set` audit row, like the role route's,
 * so the person's timeline shows it; the principal cache drops the person at once (repo.setRole), so a revoked
 * store stops working on their very next request.
 */
export function createStaffGrants(deps: {
  store: Store;
  repo: Pick<CustomerRepo, "byId" | "byMemberCode" | "byZaloId" | "byZaloOaId" | "storeIdsOf" | "setRole" | "staffList">;
  storeExists: (id: string) => Awaitable<boolean>;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  /** Every store named must be the caller's (checked first: another store's name says nothing) and must exist. */
  function* checkStores(p: Principal, storeIds: readonly string[]): Step<void> {
    const reach = storeReach(p);
    if (reach !== null && storeIds.some((s) => !reach.includes(s))) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not manage this store");
    const unknown: string[] = [];
    for (const s of storeIds) if (!(yield* q(deps.storeExists(s)))) unknown.push(s);
    if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`, { storeIds: unknown });
  }

  function view(p: Principal, row: Pick<CustomerRow, "id" | "name" | "avatar" | "memberCode" | "role">, storeIds: readonly string[]): StaffMember {
    const reach = storeReach(p);
    return {
      customerId: row.id,
      name: row.name,
      avatar: row.avatar,
      memberCode: formatMemberCode(row.memberCode),
      role: row.role,
      storeIds: reach === null ? [...storeIds] : storeIds.filter((s) => reach.includes(s)),
    };
  }

  function* find(body: StaffGrantBody): Step<CustomerRow | undefined> {
    if (body.memberCode !== undefined) return yield* q(repo.byMemberCode(normalizeMemberCode(body.memberCode)));
    if (body.zaloId !== undefined) return yield* q(repo.byZaloId(body.zaloId));
    return body.zaloOaId !== undefined ? yield* q(repo.byZaloOaId(body.zaloOaId)) : undefined;
  }

  const list = (p: Principal) =>
    store.read(function* () {
      const reach = storeReach(p);
      return (yield* q(repo.staffList()))
        .filter((r) => reach === null || (r.role === "staff" && r.storeIds.some((s) => reach.includes(s))))
        .map((r) => view(p, r, r.storeIds));
    });

  /** Read, check, write: two grants to one person at once each add their stores (PostgreSQL reruns the later). */
  const grant = (p: Principal, body: StaffGrantBody) =>
    store.tx(function* () {
      const stores = [...new Set(body.storeIds)].sort();
      yield* checkStores(p, stores);
      const row = yield* find(body);
      if (!row || row.erasedAt !== null) throw memberNotFound();
      if (row.role === "admin") throw new AppError(ErrorCode.STAFF_IS_ADMIN, "This person is an admin: they already act at every store");
      const current = row.role === "staff" ? yield* q(repo.storeIdsOf(row.id)) : [];
      const added = stores.filter((s) => !current.includes(s));
      const next = [...current, ...added].sort();
      if (added.length > 0) {
        yield* q(repo.setRole(row.id, "staff", next, now()));
        yield* q(
          audit(store, { actor: actorOf(p), action: "role.set", targetId: row.id, details: { from: row.role, to: "staff", storeIds: next, added }, at: now() }),
        );
      }
      return view(p, (yield* q(repo.byId(row.id)))!, next);
    });

  /** Takes away the stores named (none named: every store the caller manages); staff of no store are customers again. */
  const revoke = (p: Principal, customerId: string, storeIds: readonly string[] | undefined) =>
    store.tx(function* (): Step<StaffMember> {
      if (storeIds) yield* checkStores(p, storeIds);
      const reach = storeReach(p);
      const row = yield* q(repo.byId(customerId));
      if (!row || row.role === "customer") throw staffNotFound();
      if (row.role === "admin") {
        if (reach !== null) throw staffNotFound();
        throw new AppError(ErrorCode.STAFF_IS_ADMIN, "This person is an admin: change their role instead");
      }
      const current = yield* q(repo.storeIdsOf(row.id));
      if (reach !== null && !current.some((s) => reach.includes(s))) throw staffNotFound();
      const taken = storeIds ?? reach ?? current;
      const removed = current.filter((s) => taken.includes(s));
      const next = current.filter((s) => !taken.includes(s));
      const to = next.length ? "staff" : "customer";
      if (removed.length > 0) {
        yield* q(repo.setRole(row.id, to, next, now()));
        yield* q(audit(store, { actor: actorOf(p), action: "role.set", targetId: row.id, details: { from: "staff", to, storeIds: next, removed }, at: now() }));
      }
      return view(p, (yield* q(repo.byId(row.id)))!, next);
    });

  return { list, grant, revoke };
}

export type StaffGrants = ReturnType<typeof createStaffGrants>;
