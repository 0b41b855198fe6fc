/**
 * The README's "Deploying to Zalo" section names the URLs an operator registers in Zalo's consoles. They must be
 * routes this server really serves (a renamed route breaks the docs here, not on launch day), and every route Zalo
 * itself calls must be named there.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test-support";

const README = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const section = (() => {
  const start = README.indexOf("\n## Deploying to Zalo\n");
  const end = README.indexOf("\n## ", start + 1);
  return start < 0 ? "" : README.slice(start, end < 0 ? undefined : end);
})();
const VERIFY = "zalo_verifier1a2b3c";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ZALO_DOMAIN_VERIFY_FILE: VERIFY, ZALO_DOMAIN_VERIFY_CONTENT: "zalo-verify-content" });
});
afterAll(async () => h.close());

describe("README: Deploying to Zalo", () => {
  // Every `https://<your-api>/…` the section names, with the verification file's placeholder filled in.
  const paths = [...new Set([...section.matchAll(/https:\/\/<your-api>(\/[^\s`)"']*)/g)].map((m) => m[1]!))].map((p) => p.replace("<name>", VERIFY));

  it("names the URLs to register", () => {
    expect(section).not.toBe("");
    expect(paths).toEqual(
      expect.arrayContaining(["/webhooks/zalo", "/zalo/oa/callback", "/webhooks/zalo-checkout/callback", "/webhooks/zalo-checkout/notify", `/${VERIFY}.html`]),
    );
  });

  it("every API path it names is a route the server serves", async () => {
    for (const path of paths) {
      const routes = h.app.mcRoutes.filter((r) => r.url === path);
      expect(routes.length, `${path} is not a route`).toBeGreaterThan(0);
      // And it answers: whatever the verdict on an empty request, it is not "no such route".
      for (const r of routes) {
        const res = await h.app.inject({ method: r.method as "GET", url: path });
        expect(res.statusCode, `${r.method} ${path}`).not.toBe(404);
      }
    }
    expect((await h.app.inject({ method: "GET", url: `/${VERIFY}.html` })).body).toBe("zalo-verify-content");
  });

  it("every route Zalo calls (webhooks, the OAuth callback) is named there", () => {
    const zaloFacing = h.app.mcRoutes.filter((r) => r.access === "webhook" || r.url.startsWith("/zalo/")).map((r) => r.url);
    expect(zaloFacing.length).toBeGreaterThan(3);
    for (const url of zaloFacing) expect(paths, `${url} is not in the README's deployment section`).toContain(url);
  });

  it("the console pages it sends the owner to exist", () => {
    const app = readFileSync(new URL("../../../console/src/app.tsx", import.meta.url), "utf8");
    const pages = [...section.matchAll(/#\/([a-z-]+)/g)].map((m) => m[1]!);
    expect(pages).toContain("oa");
    for (const p of pages) expect(app, `#/${p}`).toContain(`key: "${p}"`);
  });
});
