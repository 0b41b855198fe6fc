import type { FastifyInstance } from "fastify";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../errors";
import { healthCheck, migrationsApplied, type Db } from "../db/client";

declare module "fastify" {
  interface FastifyInstance {
    /** Shutdown has begun: `/ready` answers 503 from now on, while requests are still served. */
    drain(): void;
  }
}

/**
 * `/health` is liveness (the process and its database file answer: restart me if not); `/ready` is whether a
 * load balancer should send requests here: 200 only once started, with the database answering and every
 * migration of this build applied, and not draining for shutdown. Otherwise 503 NOT_READY with
 * `details.reason` (starting, draining, database, migrations).
 */
export function healthRoutes(app: FastifyInstance, db: Db) {
  const ping = healthCheck(db);
  const migrated = migrationsApplied(db);
  let started = false;
  let draining = false;
  app.decorate("drain", () => void (draining = true));
  app.addHook("preClose", async () => void (draining = true));

  app.get("/health", { config: { access: "public" }, schema: { tags: ["ops"] } }, async () => {
    ping();
    return { ok: true };
  });
  app.get(
    "/ready",
    { config: { access: "public" }, schema: { tags: ["ops"], summary: "Readiness for a load balancer: 503 NOT_READY while starting or draining" } },
    async () => {
      const notReady = (reason: string) => new AppError(ErrorCode.NOT_READY, `Not ready: ${reason}`, { reason });
      if (draining) throw notReady("draining");
      if (!started) throw notReady("starting");
      try {
        ping();
      } catch {
        throw notReady("database");
      }
      if (!migrated()) throw notReady("migrations");
      return { ok: true };
    },
  );
  /** buildApp adds this as its last onReady hook: ready once every start-up hook before it ran. */
  return { started: () => void (started = true) };
}
