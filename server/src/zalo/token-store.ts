import { eq } from "drizzle-orm";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { oaTokens } from "../db/schema";
import type { OaTokenStore } from "./client";

/** The OA token pair lives in SQLite (shared by the API and a standalone dispatcher), seeded from the environment once. */
export function oaTokenStore(db: Db, config: Pick<Config, "ZALO_OA_ACCESS_TOKEN" | "ZALO_OA_REFRESH_TOKEN">, now: () => number): OaTokenStore {
  db.insert(oaTokens)
    .values({ id: 1, accessToken: config.ZALO_OA_ACCESS_TOKEN, refreshToken: config.ZALO_OA_REFRESH_TOKEN, expiresAt: now() + 25 * 3600_000, updatedAt: now() })
    .onConflictDoNothing()
    .run();
  // Read on every Zalo call (another process may have rotated the pair), so prepared once.
  const read = db.$client.prepare("select access_token as accessToken, refresh_token as refreshToken, expires_at as expiresAt from oa_tokens where id = 1");
  return {
    get: () => read.get() as { accessToken: string; refreshToken: string; expiresAt: number },
    save: (p) =>
      db
        .update(oaTokens)
        .set({ ...p, updatedAt: now() })
        .where(eq(oaTokens.id, 1))
        .run(),
  };
}
