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

export function createIdentityService(deps: {
  customers: Pick<CustomerRepo, "byId" | "storeIdsOf" | "principalOf" | "upsertFromZalo" | "setPhone">;
  zalo: Pick<ZaloClient, "getMe" | "exchangePhoneToken">;
  issueToken: (p: { sub: string; kind: "customer" }) => string;
  now: () => number;
  /** The oa module's door for a follow state Zalo reported (Graph /me `is_follower`). */
  observeFollow?: (p: { customerId: string; follows: boolean; source: "graph_me" }) => unknown;
}) {
  const { customers, zalo, now } = deps;

  function zaloFailure(err: unknown): never {
    if (err instanceof ZaloError && (err.kind === "invalid_user_token" || err.kind === "token")) {
      throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "Zalo did not accept this sign-in: open the mini app again");
    }
    // Zalo busy or not answering (-32, a 5xx, timeouts, its transient codes) says nothing about the token:
    // a stable retryable code, never "invalid sign-in". A request we could not even build stays a 500.
    if (err instanceof ZaloError && (err.kind === "transient" || err.kind === "rate_limit" || err.kind === "quota")) {
      throw new AppError(ErrorCode.ZALO_BUSY, "Zalo is busy right now: try again in a moment", { zaloCode: err.zaloCode });
    }
    throw err;
  }

  async function loginWithZalo(accessToken: string) {
    if (!TOKEN_CHARS.test(accessToken)) throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "This is not a Zalo access token: open the mini app again");
    const me = await zalo.getMe(accessToken).catch(zaloFailure);
    let row = await customers.upsertFromZalo({ zaloId: me.id, name: me.name, avatar: me.avatar, oaUserId: me.oaUserId, isFollower: me.isFollower }, now());
    // Zalo's own answer: an existing follower is known at once, with no follow webhook (§1.12).
    if (me.isFollower !== null && deps.observeFollow) {
      await deps.observeFollow({ customerId: row.id, follows: me.isFollower, source: "graph_me" });
      row = (await customers.byId(row.id)) ?? row;
    }
    return { token: deps.issueToken({ sub: row.id, kind: "customer" }), customer: toCustomerView(row, await customers.storeIdsOf(row.id)) };
  }

  /**
   * The phone exchange (§3.2) with the Zalo token the app sends beside the phone token, fresh from
   * getAccessToken(): a token kept since sign-in may have expired within Zalo's hour. It is checked at Graph
   * /me first to be this person's (a token is never trusted for whom it names); an expired one is a 401 that
   * sends the app to sign in again, before the single-use phone token is spent.
   */
  async function sharePhone(customerId: string, body: { phoneToken: string; accessToken: string }) {
    const { phoneToken, accessToken } = body;
    if (!TOKEN_CHARS.test(accessToken)) throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "This is not a Zalo access token: sign in with Zalo again");
    if (!TOKEN_CHARS.test(phoneToken)) throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "This is not a Zalo phone-number token: share it again");
    const self = await customers.byId(customerId);
    if (!self) throw new AppError(ErrorCode.UNAUTHENTICATED, "This account no longer exists");
    const me = await zalo.getMe(accessToken).catch(zaloFailure);
    if (me.id !== self.zaloId) throw new AppError(ErrorCode.ZALO_TOKEN_INVALID, "This Zalo token belongs to someone else: sign in with Zalo again");
    let raw: string;
    try {
      raw = await zalo.exchangePhoneToken(accessToken, phoneToken);
    } catch (err) {
      // The token passed /me a moment ago: a token refusal now is it expiring in between (sign in again).
      if (err instanceof ZaloError && (err.kind === "permanent" || err.kind === "request_invalid")) {
        throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "This phone-number permission has expired or was already used: share it again", {
          zaloCode: err.zaloCode,
        });
      }
      zaloFailure(err);
    }
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError(ErrorCode.PHONE_TOKEN_INVALID, "Zalo returned a number that is not a Vietnamese mobile number");
    if (!(await customers.setPhone(customerId, phone, now()))) throw new AppError(ErrorCode.UNAUTHENTICATED, "This account no longer exists");
    return profile(customerId);
  }

  async function profile(customerId: string): Promise<Customer> {
    const row = await customers.byId(customerId);
    if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    return toCustomerView(row, await customers.storeIdsOf(row.id));
  }

  const toPrincipal = (p: { id: string; role: Principal["role"] & string; storeIds: readonly string[] } | undefined): Principal | null =>
    p ? { kind: "customer", id: p.id, role: p.role, storeIds: p.storeIds } : null;
  /** Every signed-in request: on SQLite (and a cache hit anywhere) answered at once, without a promise. */
  function loadPrincipal(claims: { sub: string; kind: "customer" | "operator" }): Principal | null | Promise<Principal | null> {
    if (claims.kind !== "customer") return null;
    const p = customers.principalOf(claims.sub);
    return p instanceof Promise ? p.then(toPrincipal) : toPrincipal(p);
  }

  /** The person's data was erased. Nothing of theirs is held here any more (no Zalo token is kept). */
  const forget = (_customerId: string) => {};

  return { loginWithZalo, sharePhone, profile, loadPrincipal, forget };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
