import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Principal } from "./auth";
import { unauthenticated } from "../errors";

/** The signed-in principal of a non-public route (the auth hook has already run). */
export function me(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated();
  return req.principal;
}

/** The tight tier for sign-in style routes: they call Zalo and guard secrets. */
export function authRateLimit(app: FastifyInstance) {
  return { max: app.mcConfig.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 };
}

declare module "fastify" {
  interface FastifyInstance {
    mcConfig: import("../config").Config;
  }
}
