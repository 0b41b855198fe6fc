import { createApiClient } from "@mc/web/api-client";
import { config } from "../config";

type Session = { token: string | null; relogin: (() => Promise<string>) | null };
const session: Session = { token: null, relogin: null };

/** The JWT from /api/auth/zalo, and how to get a fresh one when it expires (called once per 401). */
export function setSession(next: Partial<Session>) {
  Object.assign(session, next);
}

/** The mini app's API: a 401 signs in with Zalo again (once for parallel calls) and retries. */
export const api = createApiClient({
  baseUrl: config.apiUrl,
  token: () => session.token,
  onUnauthorized: async () => {
    if (!session.relogin) return null;
    session.token = await session.relogin();
    return session.token;
  },
});
