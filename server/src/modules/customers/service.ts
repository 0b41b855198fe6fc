import { BirthDate, ErrorCode, birthDateProblem, dayKey, maskPhone, type Customer, type MyBirthday, type MyBirthdayBody, type Role } from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { actorOf, audit, forgetTagDetails } from "../../lib/audit";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import type { StoreRepo } from "../stores/repo";
import type { CustomerRepo, CustomerRow } from "./repo";

export function toCustomerView(row: CustomerRow, storeIds: string[]): Customer {
  return {
    id: row.id,
    zaloId: row.zaloId ?? "",
    zaloOaId: row.zaloOaId,
    name: row.name,
    avatar: row.avatar,
    phoneMasked: row.phone ? maskPhone(row.phone) : null,
    hasPhone: !!row.phone,
    role: row.role,
    storeIds,
    followsOa: row.followsOa,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/**
 * What the other modules forget of a person whose data is erased; each is a step of the erasure's transaction
 * (a module not ported yet gives its synchronous function: its value is the step on SQLite).
 */
export type Forgetters = {
  outbox: (customerId: string, at: number) => Awaitable<{ cancelled: number }>;
  /** The automations' waiting timers (they would send later). */
  timers: (customerId: string, at: number) => Awaitable<number>;
  webhookEvents: (zaloIds: string[]) => Awaitable<{ redacted: number }>;
  /** The shop's notes about them (customers/notes-repo.ts). */
  notes: (customerId: string) => Awaitable<{ deleted: number }>;
  /** Their OA conversation's messages (inbox/repo.ts). */
  inbox?: (customerId: string, at: number) => Awaitable<void>;
  /** Their saved carts (carts/repo.ts). */
  carts?: (customerId: string) => Awaitable<unknown>;
  /** The comments of their order ratings (ratings/repo.ts). */
  ratings?: (customerId: string) => Awaitable<void>;
  /** In-memory state outside the database (held Zalo tokens); runs after the commit. */
  sessions: (customerId: string) => void;
};

/** The shop's side of a person: roles, tags, erasure (the person's own side is identity's). */
export function createCustomerService(deps: {
  store: Store;
  repo: CustomerRepo;
  stores: Pick<StoreRepo, "exists">;
  now: () => number;
  forget: Forgetters;
  /** The shop's time zone: a birth year cannot be after today there. */
  timeZone?: string;
}) {
  const { store, repo, now } = deps;

  function* viewStep(customerId: string): Step<Customer> {
    const row = yield* q(repo.byId(customerId));
    if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    return toCustomerView(row, yield* q(repo.storeIdsOf(row.id)));
  }
  const view = (customerId: string) => store.read(() => viewStep(customerId));

  /** Grants or revokes staff/admin. Staff must name at least one store: staff actions are store-scoped. */
  const setRole = (actor: Principal, customerId: string, role: Role, storeIds: string[] = []) =>
    store.tx(function* () {
      const row = yield* q(repo.byId(customerId));
      if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      const unique = [...new Set(storeIds)];
      if (role === "staff" && unique.length === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, "Staff must be assigned to at least one store");
      const unknown: string[] = [];
      for (const s of unique) if (!(yield* q(deps.stores.exists(s)))) unknown.push(s);
      if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`);
      yield* q(repo.setRole(customerId, role, unique, now()));
      yield* q(
        audit(store, { actor: actorOf(actor), action: "role.set", targetId: customerId, details: { from: row.role, to: role, storeIds: unique }, at: now() }),
      );
      return yield* viewStep(customerId);
    });

  /** Replaces a customer's tags (audited); tags aim broadcasts. */
  const setTags = (actor: Principal, customerId: string, tags: string[]) =>
    store.tx(function* () {
      if (!(yield* q(repo.byId(customerId)))) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      const unique = [...new Set(tags)];
      yield* q(repo.setTags(customerId, unique));
      yield* q(audit(store, { actor: actorOf(actor), action: "customer.tags", targetId: customerId, details: { tags: unique }, at: now() }));
      return unique;
    });

  /**
   * Records a birthday (`YYYY-MM-DD`, or `MM-DD` without the year; null forgets it): birthday segments read it.
   * The audit row says that it changed, not the date: the audit log outlives an erasure.
   */
  const setBirthDate = (actor: Principal, customerId: string, birthDate: string | null) =>
    store.tx(function* () {
      if (birthDate !== null && !BirthDate.safeParse(birthDate).success) throw new AppError(ErrorCode.VALIDATION_FAILED, "Use YYYY-MM-DD or MM-DD");
      if (!(yield* q(repo.setBirthDate(customerId, birthDate, now())))) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      yield* q(audit(store, { actor: actorOf(actor), action: "customer.birthDate", targetId: customerId, at: now() }));
    });

  const fieldIssue = (field: string, message: string, vi: string) => ({ keyword: "custom", instancePath: `/${field}`, message, params: { params: { vi } } });
  function* myBirthdayStep(customerId: string): Step<MyBirthday> {
    const row = yield* q(repo.byId(customerId));
    if (!row || row.erasedAt !== null) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    return { birthDate: row.birthDate, consentAt: row.birthDateConsentAt === null ? null : new Date(row.birthDateConsentAt).toISOString() };
  }
  const myBirthday = (customerId: string) => store.read(() => myBirthdayStep(customerId));

  /**
   * The shopper gives (with consent), changes or clears their own birthday from the mini app. The consent time is
   * kept beside it (shown back to them); the audit row says who changed it and that they consented, not the date.
   */
  const setMyBirthday = (customerId: string, body: MyBirthdayBody) =>
    store.tx(function* () {
      const at = now();
      if (body.birthDate !== null) {
        const problem = birthDateProblem(body.birthDate, dayKey(at, deps.timeZone ?? "Asia/Ho_Chi_Minh"));
        if (problem) throw new AppError(ErrorCode.VALIDATION_FAILED, `Birth date: ${problem}`, [fieldIssue("birthDate", problem, "ngày sinh không hợp lệ")]);
        if (!body.consent)
          throw new AppError(ErrorCode.VALIDATION_FAILED, "Agree to the shop keeping your birthday first", [
            fieldIssue("consent", "consent is required", "hãy đồng ý để cửa hàng lưu ngày sinh"),
          ]);
      }
      const row = yield* q(repo.byId(customerId));
      // Unchanged date: the consent given the first time stands.
      const consentAt = row?.birthDate === body.birthDate && row.birthDateConsentAt !== null ? row.birthDateConsentAt : at;
      if (!(yield* q(repo.setBirthDate(customerId, body.birthDate, at, consentAt)))) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      yield* q(
        audit(store, {
          actor: { kind: "customer", id: customerId },
          action: "customer.birthDate",
          targetId: customerId,
          details: { consent: body.birthDate !== null, cleared: body.birthDate === null },
          at,
        }),
      );
      return yield* myBirthdayStep(customerId);
    });

  /**
   * Erases a person's personal data on their request (Vietnam's Decree 13/2023 on personal data): one
   * transaction anonymises the customer row, drops their tags, cancels messages not yet sent and redacts
   * stored webhooks that name them. What the business must keep stays: points ledger and balance, vouchers,
   * orders, draws and the audit log (counts and totals unchanged), all keyed by the now anonymous id.
   * SQLite only until every forgetter (and lib/audit's forgetTagDetails) is a step of the store.
   */
  async function erase(actor: Principal, customerId: string, reason: string) {
    const at = now();
    const result = await store.tx(function* () {
      const before = yield* q(repo.byId(customerId));
      if (!before) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      if (before.erasedAt !== null) throw new AppError(ErrorCode.CONFLICT, "This customer's data was already erased");
      const { tagsRemoved } = (yield* q(repo.erase(customerId, at)))!;
      const { cancelled } = yield* q(deps.forget.outbox(customerId, at));
      yield* q(deps.forget.timers(customerId, at));
      const { redacted } = yield* q(deps.forget.webhookEvents([before.zaloId, before.zaloOaId].filter((x): x is string => !!x)));
      yield* q(deps.forget.notes(customerId));
      yield* q(deps.forget.inbox?.(customerId, at));
      yield* q(deps.forget.carts?.(customerId));
      yield* q(deps.forget.ratings?.(customerId));
      const counts = { tagsRemoved, messagesCancelled: cancelled, webhookEventsRedacted: redacted };
      forgetTagDetails(store.sqlite, customerId);
      yield* q(audit(store, { actor: actorOf(actor), action: "customer.erase", targetId: customerId, details: { reason, ...counts }, at }));
      return counts;
    });
    deps.forget.sessions(customerId);
    const row = await repo.byId(customerId);
    return { customer: toCustomerView(row!, []), ...result };
  }

  return { view, setRole, setTags, setBirthDate, myBirthday, setMyBirthday, tagsOf: repo.tagsOf, erase };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
