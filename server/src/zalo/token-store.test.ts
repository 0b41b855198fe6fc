// The OA token row on both databases (issue #16): seeded once however many processes start together, and
// refreshed once per cluster: one process claims the row's lease and spends the refresh token (single use at
// Zalo, §4); the others wait and re-read the rotated pair.
import { expect, it } from "vitest";
import { onBothDatabases } from "../db/test-stores";
import { createZaloClient } from "./client";
import type { Transport } from "./http";
import { oaTokenStore } from "./token-store";

const env = { ZALO_OA_ACCESS_TOKEN: "env-a1", ZALO_OA_REFRESH_TOKEN: "env-r1" };
const config = {
  ZALO_APP_ID: "app",
  ZALO_MINI_APP_ID: "mini",
  ZALO_APP_SECRET: "secret",
  ZALO_GRAPH_URL: "http://zalo.test/graph",
  ZALO_OAUTH_URL: "http://zalo.test/oauth",
  ZALO_OPENAPI_URL: "http://zalo.test/openapi",
  ZALO_BUSINESS_URL: "http://zalo.test/business",
  ZALO_TIMEOUT_MS: 1000,
};

onBothDatabases(
  "oa_tokens",
  (store) => {
    it("processes starting together seed one row from the env; a new env pair moves it", async () => {
      const stores = [1, 2, 3].map(() => oaTokenStore(store(), env, () => 1000));
      const rows = await Promise.all(stores.map((s) => s.get()));
      for (const r of rows) expect(r).toMatchObject({ accessToken: "env-a1", refreshToken: "env-r1", version: 1, needsReconnect: false });
      const moved = oaTokenStore(store(), { ZALO_OA_ACCESS_TOKEN: "env-a2", ZALO_OA_REFRESH_TOKEN: "env-r2" }, () => 2000);
      expect(await moved.get()).toMatchObject({ accessToken: "env-a2", refreshToken: "env-r2", version: 2 });
    });

    it("of many processes claiming the refresh at once, one gets the lease; the next only once it is released or lapses", async () => {
      const stores = [1, 2, 3, 4].map(() => oaTokenStore(store(), { ZALO_OA_ACCESS_TOKEN: "env-a2", ZALO_OA_REFRESH_TOKEN: "env-r2" }, Date.now));
      const t = Date.now();
      const won = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % 4]!.claimRefresh("env-r2", t + 5000, t)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await stores[1]!.claimRefresh("env-r2", t + 5000, t + 4999)).toBe(false);
      expect(await stores[2]!.claimRefresh("env-r2", t + 10_000, t + 5000)).toBe(true); // lapsed
      await stores[2]!.releaseRefresh("env-r2");
      expect(await stores[3]!.claimRefresh("env-r2", t + 5000, t)).toBe(true);
      await stores[3]!.releaseRefresh("env-r2");
      expect(await stores[0]!.claimRefresh("env-r1", t + 5000, t)).toBe(false); // not the current refresh token
    });

    it("four processes needing a refresh together: Zalo sees one, every process gets the new pair", async () => {
      let refreshes = 0;
      const spent = new Set<string>();
      let current = "env-r2";
      // Zalo's refresh: slow, and single use (a spent refresh token is refused, which would disconnect the OA).
      const transport: Transport = async (url, init) => {
        if (!url.endsWith("/v4/oa/access_token")) throw new Error(`unexpected ${url}`);
        const token = new URLSearchParams(String(init.body)).get("refresh_token")!;
        refreshes++;
        await new Promise((r) => setTimeout(r, 150));
        if (spent.has(token) || token !== current) return { status: 200, text: JSON.stringify({ error: -14005, error_reason: "refresh_token has been used" }) };
        spent.add(token);
        current = `r${refreshes}`;
        return { status: 200, text: JSON.stringify({ access_token: `a${refreshes}`, refresh_token: current, expires_in: 90000 }) };
      };
      const clients = [1, 2, 3, 4].map(() =>
        createZaloClient({ config, tokens: oaTokenStore(store(), { ZALO_OA_ACCESS_TOKEN: "env-a2", ZALO_OA_REFRESH_TOKEN: "env-r2" }, Date.now), transport }),
      );
      const pairs = await Promise.all(clients.map((c) => c.refreshOaToken()));
      expect(refreshes).toBe(1);
      for (const p of pairs) expect(p).toMatchObject({ accessToken: "a1", refreshToken: "r1" });
      const row = await oaTokenStore(store(), { ZALO_OA_ACCESS_TOKEN: "env-a2", ZALO_OA_REFRESH_TOKEN: "env-r2" }, Date.now).get();
      expect(row).toMatchObject({ accessToken: "a1", refreshToken: "r1", needsReconnect: false, leaseUntil: null, version: 3 });
    });
  },
  { max: 8 },
);
