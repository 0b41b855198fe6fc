import { CustomerPrefs, DEFAULT_PREFS, ErrorCode, maskPhone, type CustomerProfile } from "@mc/shared";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { normalizeMemberCode } from "../../lib/codes";
import type { LoyaltyService } from "../loyalty/service";
import type { SegmentService } from "../segments/service";
import type { CustomerListRepo } from "./list-repo";
import type { CustomerRepo } from "./repo";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const notFound = () => new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");

/**
 * Who may open a person (the `{ customer: "visited" }` scope of http/auth.ts): admins anyone; staff only
 * someone with a visit at one of their stores, a visit exactly as segments define it (a completed order,
 * points earned at the store, a game play, a voucher redeemed there). Anyone else is CUSTOMER_NOT_FOUND,
 * the same answer as for an id that does not exist, so staff cannot learn who is a customer elsewhere.
 * For every route that declares that scope (the profile here, a staff timeline later).
 */
export function createCustomerAccess(deps: {
  customers: Pick<CustomerRepo, "byId">;
  segments: Pick<SegmentService, "compile">;
  listRepo: Pick<CustomerListRepo, "matches">;
}) {
  return async function assertCanSee(p: Principal, customerId: string): Promise<void> {
    if (p.role === "admin") {
      if (!(await deps.customers.byId(customerId))) throw notFound();
      return;
    }
    if (p.role !== "staff" || p.storeIds.length === 0) throw notFound();
    const visited = await deps.segments.compile({ all: [{ kind: "visitedStore", storeIds: [...p.storeIds] }] });
    if (!(await deps.listRepo.matches(customerId, visited))) throw notFound();
  };
}

export type AssertCanSee = ReturnType<typeof createCustomerAccess>;

/** The stored preferences as the shopper set them (CustomerPrefs); anything unreadable reads as the defaults. */
function prefsOf(json: string): CustomerPrefs {
  try {
    const parsed = CustomerPrefs.safeParse({ ...DEFAULT_PREFS, ...(JSON.parse(json) as object) });
    return parsed.success ? parsed.data : DEFAULT_PREFS;
  } catch {
    return DEFAULT_PREFS;
  }
}

/** A person's profile for the console (and, scoped, the staff counter), composed from the customers row and loyalty's summary. */
export function createCustomerProfiles(deps: {
  customers: Pick<CustomerRepo, "byId" | "byMemberCode" | "tagsOf" | "storeIdsOf">;
  loyalty: Pick<LoyaltyService, "summary">;
  assertCanSee: AssertCanSee;
}) {
  async function profile(p: Principal, customerId: string): Promise<CustomerProfile> {
    await deps.assertCanSee(p, customerId);
    const row = await deps.customers.byId(customerId);
    if (!row) throw notFound();
    const points = await deps.loyalty.summary(customerId);
    // decide()'s layer 1: someone who unfollowed the OA (and has not followed again) gets no care or promotion.
    const unfollowed = row.unfollowedAt !== null && !row.followsOa;
    return {
      id: row.id,
      name: row.name,
      avatar: row.avatar,
      zaloId: row.zaloId,
      zaloOaId: row.zaloOaId,
      phoneMasked: row.phone ? maskPhone(row.phone) : null,
      memberCode: points.memberCode,
      role: row.role,
      storeIds: await deps.customers.storeIdsOf(row.id),
      followsOa: row.followsOa,
      followedAt: iso(row.followedAt),
      unfollowedAt: iso(row.unfollowedAt),
      lastInteractionAt: iso(row.lastInteractionAt),
      birthDate: row.birthDate,
      tags: await deps.customers.tagsOf(row.id),
      points: { balance: points.balance, tier: points.tier.key, tierName: points.tier.name, expiring: points.expiringSoon },
      prefs: prefsOf(row.prefs),
      consent: { promotions: !unfollowed, care: !unfollowed, reason: unfollowed ? "UNFOLLOWED" : null },
      erased: row.erasedAt !== null,
      createdAt: iso(row.createdAt)!,
    };
  }

  /**
   * The person behind a member code staff scanned or typed, under the same check as the profile: an unknown
   * code and someone who never visited the caller's stores are the same 404 (the counter's member lookup
   * shows any staff member a shortened name only; this is the way to the full profile).
   */
  async function byMemberCode(p: Principal, code: string): Promise<{ customerId: string }> {
    const row = await deps.customers.byMemberCode(normalizeMemberCode(code));
    if (!row) throw notFound();
    await deps.assertCanSee(p, row.id);
    return { customerId: row.id };
  }

  return { profile, byMemberCode };
}

export type CustomerProfiles = ReturnType<typeof createCustomerProfiles>;
