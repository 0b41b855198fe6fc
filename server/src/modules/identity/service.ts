import { ErrorCode, normalizePhone, type Customer } from "@mc/shared";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { CustomerRepo } from "../customers/repo";
import { toCustomerView } from "../customers/service";

/**
 * Zalo's tokens are opaque but travel as HTTP header values, which only carry visible ASCII: anything else
 * is not a token Zalo issued, so it is refused here instead of failing to build the request to Graph.
 */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** Zalo user tokens live about an hour; the phone exchange needs the one the person signed in with. */
const ZALO_TOKEN_KEEP_MS = 55 * 60_000;

export function createIdentityService(deps: {
  customers: Pick<CustomerRepo, "byId" | "storeIdsOf" | "principalOf" | "upsertFromZalo" | "setPhone">;
  zalo: Pick<ZaloClient, "getMe" | "exchangePhoneToken">;
  issueToken: (p: { sub: string; kind: "customer" }) => string;
  now: () => number;
}) {
  const { customers, zalo, now } = deps;
  // In memory on purpose: a user token is short-lived and never written to disk. After a restart the
  // mini app's client re-signs in on the 401 and retries.
  const zaloTokens = new Map<string, { token: string; until: number }>();

  function zaloFailure(err: unknown): never {
    if (err instanceof ZaloError && (err.kind === "invalid_user_token" || err.kind === "token")) {
      throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "Zalo did not accept this sign-in: open the mini app again");
    }
    // Only Zalo really not answering (network, timeout, its own transient, rate or quota refusals) is a 503;
    // a request we could not even build (request_invalid) is our fault and stays a 500.
    if (err instanceof ZaloError && (err.kind === "transient" || err.kind === "rate_limit" || err.kind === "quota")) {
      throw new AppError(ErrorCode.ZALO_UNAVAILABLE, "Zalo is not answering right now: try again in a moment");
    }
    throw err;
  }

  async function loginWithZalo(accessToken: string) {
    if (!TOKEN_CHARS.test(accessToken)) throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "This is not a Zalo access token: open the mini app again");
    const me = await zalo.getMe(accessToken).catch(zaloFailure);
    const row = customers.upsertFromZalo({ zaloId: me.id, name: me.name, avatar: me.avatar, oaUserId: me.oaUserId, isFollower: me.isFollower }, now());
    zaloTokens.set(row.id, { token: accessToken, until: now() + ZALO_TOKEN_KEEP_MS });
    return { token: deps.issueToken({ sub: row.id, kind: "customer" }), customer: toCustomerView(row, customers.storeIdsOf(row.id)) };
  }

  async function sharePhone(customerId: string, phoneToken: string) {
    const held = zaloTokens.get(customerId);
    if (!held || held.until < now()) {
      throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "Sign in with Zalo again before sharing your phone number");
    }
    if (!TOKEN_CHARS.test(phoneToken)) throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "This is not a Zalo phone-number token: share it again");
    let raw: string;
    try {
      raw = await zalo.exchangePhoneToken(held.token, phoneToken);
    } catch (err) {
      if (err instanceof ZaloError && (err.kind === "permanent" || err.kind === "invalid_user_token" || err.kind === "request_invalid")) {
        throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "This phone-number permission has expired or was already used: share it again", {
          zaloCode: err.zaloCode,
        });
      }
      zaloFailure(err);
    }
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "Zalo returned a number that is not a Vietnamese mobile number");
    if (!customers.setPhone(customerId, phone, now())) throw new AppError(ErrorCode.UNAUTHENTICATED, "This account no longer exists");
    return profile(customerId);
  }

  function profile(customerId: string): Customer {
    const row = customers.byId(customerId);
    if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    return toCustomerView(row, customers.storeIdsOf(row.id));
  }

  function loadPrincipal(claims: { sub: string; kind: "customer" | "operator" }): Principal | null {
    if (claims.kind !== "customer") return null;
    const p = customers.principalOf(claims.sub);
    return p ? { kind: "customer", id: p.id, role: p.role, storeIds: p.storeIds } : null;
  }

  /** The person's data was erased: the Zalo token kept for the phone exchange goes too. */
  const forget = (customerId: string) => void zaloTokens.delete(customerId);

  return { loginWithZalo, sharePhone, profile, loadPrincipal, forget };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
