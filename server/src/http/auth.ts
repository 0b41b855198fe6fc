import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import fjwt from "@fastify/jwt";
import type { OperatorRole, Role } from "@mc/shared";
import { AppError, forbidden, unauthenticated } from "../errors";
import { ErrorCode } from "@mc/shared";
import type { Config } from "../config";

/**
 * Who may call a route. Every route must declare one (checked at registration):
 * - public: anyone; webhook: anyone, but the route verifies Zalo's signature itself;
 * - customer: a person signed in with Zalo (a shopper; staff and admins are shoppers too), never a
 *   web-console operator: operators have no customer row, points or vouchers, so a shopper route would act
 *   on nobody. They get 403 CUSTOMER_ONLY;
 * - staff: staff or admin signed in with Zalo, or a console owner or store manager (a marketer does not work
 *   a counter); a store manager acts like staff of their stores;
 * - admin: the console. An owner (and a Zalo admin, granted by an owner) may call every admin route; a
 *   marketer or a store manager only the routes whose `config.roles` name their role.
 */
export type Access = "public" | "webhook" | "customer" | "staff" | "admin";

/** The console roles besides the owner that an admin route lets in (`config.roles`; none: owners only). */
export type ConsoleRoles = readonly Exclude<OperatorRole, "owner">[];

/**
 * What a route acts on, beyond who may call it (declared beside `access`, checked at registration; the
 * authorization matrix test derives its verdicts from both):
 * - "own": the caller's own data, nothing of another person addressed (GET /api/me, a claim for oneself);
 * - "any": nothing per person or per store, or a list the service narrows to the caller's stores;
 * - { owner }: the `:id` param names a resource of this kind that belongs to one person; anyone else
 *   is told it does not exist (404), exactly as for a missing one;
 * - { store }: staff (and store managers) act only at their own stores (403 STORE_FORBIDDEN elsewhere); the
 *   store is named by the `storeId` param, the `storeId` (or every one of the `storeIds`) body field, is the
 *   store of the order in `:id`, or ("game") a store of the game in `:id` — and the `store` query param, if any.
 * - { customer: "visited" }: the `:id` param (or a member `:code`) names a person; staff see only someone with a visit at one of
 *   their stores (customers/profile.ts createCustomerAccess), admins anyone; to anyone else the person does
 *   not exist (404 CUSTOMER_NOT_FOUND, exactly as for a missing id).
 * Customer and staff routes must declare one; so must an admin route that lets store managers in.
 */
export type Scope = "own" | "any" | { owner: "voucher" | "draw" | "order" } | { store: "params" | "body" | "order" | "game" } | { customer: "visited" };

/**
 * Who is calling. `role` is the reach the services apply: admin acts on every store and person, staff only
 * at `storeIds` (a store manager is staff of their stores there); an operator's console role is `console`.
 */
export type Principal =
  | { kind: "customer"; id: string; role: Role; storeIds: readonly string[] }
  | { kind: "operator"; id: string; console: OperatorRole; role: "admin" | "staff"; storeIds: readonly string[] };

/** `sv`: an operator's session version (admin_users.session_version) when the token was issued. */
export type TokenClaims = { sub: string; kind: "customer" | "operator"; sv?: number };

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    scope?: Scope;
    roles?: ConsoleRoles;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    issueToken(p: TokenClaims): string;
    /** Every route with the access it declared: tests walk it to prove the others are refused. */
    mcRoutes: { method: string; url: string; access: Access; scope?: Scope; roles: ConsoleRoles }[];
  }
}

declare module "@fastify/jwt" {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

export type PrincipalLoader = (claims: TokenClaims) => Principal | null | Promise<Principal | null>;

const rank: Record<Role, number> = { customer: 0, staff: 1, admin: 2 };

/** Whether the gate lets this principal call a staff or admin route (customer routes are checked apart). */
export function admits(p: Principal, access: "staff" | "admin", roles: ConsoleRoles): boolean {
  if (p.kind === "customer") return rank[p.role] >= rank[access];
  if (p.console === "owner") return true;
  if (access === "staff") return p.console === "store_manager";
  return (roles as readonly OperatorRole[]).includes(p.console);
}

const ROLE_NAME: Record<OperatorRole, string> = { owner: "owner", marketer: "marketer", store_manager: "store manager" };

/**
 * Every request loads its principal afresh (the identity repo keeps principals in memory and drops one
 * whenever its role or stores change; an operator is read from their row each time), so a revoked staff
 * role, a deactivated console account or a changed console role takes effect on the very next request.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { config: Config; loadPrincipal: PrincipalLoader }) => {
  // A token without `exp` would be a session for ever: every token we issue has one, so refuse any without.
  await app.register(fjwt, { secret: opts.config.JWT_SECRET, sign: { expiresIn: opts.config.JWT_TTL_SECONDS }, verify: { requiredClaims: ["exp"] } });
  app.decorate("issueToken", (p: TokenClaims) => app.jwt.sign(p));
  app.decorateRequest("principal", null);
  app.decorate("mcRoutes", []);

  app.addHook("onRoute", (route) => {
    const { access, scope, roles = [] } = (route.config ?? {}) as { access?: Access; scope?: Scope; roles?: ConsoleRoles };
    if (!access && !route.url.startsWith("/docs")) {
      throw new Error(`Route ${route.method} ${route.url} does not declare who may call it (config.access)`);
    }
    if ((access === "customer" || access === "staff" || roles.includes("store_manager")) && !scope) {
      throw new Error(`Route ${route.method} ${route.url} does not declare what it acts on (config.scope)`);
    }
    if (roles.length && access !== "admin") throw new Error(`Route ${route.method} ${route.url}: config.roles is for admin routes`);
    for (const method of [route.method].flat()) if (access) app.mcRoutes.push({ method, url: route.url, access, scope, roles });
  });

  // A signed-in app sends the same token on every call: the verdict is kept per exact token string (so
  // no two tokens can share an entry), never past the token's own expiry nor longer than 10 minutes.
  // Only good tokens are kept. fast-jwt's own cache hashes every token first, which costs nearly as much.
  const verified = new Map<string, { claims: TokenClaims; until: number }>();
  const verify = (token: string): TokenClaims => {
    const at = Date.now();
    const hit = verified.get(token);
    if (hit && hit.until > at) return hit.claims;
    const claims = app.jwt.verify<TokenClaims & { exp?: number }>(token);
    if (typeof claims.exp !== "number") throw new Error("a session token must expire");
    if (verified.size >= 10_000) verified.clear();
    verified.set(token, { claims, until: Math.min(claims.exp * 1000, at + 600_000) });
    return claims;
  };

  app.addHook("onRequest", async (req) => {
    const access = req.routeOptions.config.access ?? "public";
    if (access === "public" || access === "webhook") return;
    req.principal = await authenticate(req, verify, opts.loadPrincipal);
    if (access === "customer" && req.principal.kind !== "customer") {
      throw new AppError(ErrorCode.CUSTOMER_ONLY, "This is for shoppers signed in with Zalo, not console operators");
    }
    if (access === "customer") return;
    const roles = req.routeOptions.config.roles ?? [];
    if (!admits(req.principal, access, roles)) {
      const needed = access === "staff" ? "staff" : (["owner", ...roles] as OperatorRole[]).map((r) => ROLE_NAME[r]).join(" or ");
      throw forbidden(`This needs the ${needed} role`);
    }
  });
});

/**
 * Bearer token → principal. Verifies with the plugin's verifier directly (`app.jwt.verify`, synchronous)
 * rather than `req.jwtVerify()`, which decodes the token twice and runs a callback waterfall per request.
 */
async function authenticate(req: FastifyRequest, verify: (token: string) => TokenClaims, load: PrincipalLoader): Promise<Principal> {
  const header = req.headers.authorization;
  if (!header) throw unauthenticated();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  let claims: TokenClaims;
  try {
    if (!m) throw new Error("not a bearer token");
    claims = verify(m[1]!);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const expired = code === "FAST_JWT_EXPIRED" || code === "FST_JWT_AUTHORIZATION_TOKEN_EXPIRED";
    throw new AppError(ErrorCode.UNAUTHENTICATED, expired ? "Your session expired: sign in again" : "Invalid session token");
  }
  req.user = claims;
  const principal = await load(claims);
  if (!principal) throw unauthenticated("This account no longer exists");
  return principal;
}
