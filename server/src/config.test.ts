import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";
import { TEST_ENV } from "./test-support";

describe("config", () => {
  it("lists every missing or wrong value at once", () => {
    try {
      loadConfig({ PORT: "nope", ZALO_GRAPH_URL: "not a url", JWT_SECRET: "short" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join("\n");
      for (const name of [
        "PORT",
        "ZALO_GRAPH_URL",
        "JWT_SECRET",
        "ZALO_APP_ID",
        "ZALO_MINI_APP_ID",
        "ZALO_APP_SECRET",
        "ZALO_OA_ID",
        "ZALO_OA_SECRET_KEY",
        "ZALO_OA_ACCESS_TOKEN",
        "ZALO_OA_REFRESH_TOKEN",
      ]) {
        expect(problems).toContain(name);
      }
      expect((err as ConfigError).message).toMatch(/^Invalid configuration:/);
    }
  });

  it("applies the documented defaults", () => {
    const c = loadConfig({ ...TEST_ENV, DATABASE_PATH: undefined, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined });
    expect(c.DATABASE_PATH).toBe("./data/master-channel.db");
    expect(c.PORT).toBe(3000);
    expect(c.ZALO_GRAPH_URL).toBe("https://graph.zalo.me");
    expect(c.ZALO_OAUTH_URL).toBe("https://oauth.zaloapp.com");
    expect(c.ZALO_OPENAPI_URL).toBe("https://openapi.zalo.me");
    expect(c.ZALO_BUSINESS_URL).toBe("https://business.openapi.zalo.me");
  });

  it("strips trailing slashes from base URLs and treats empty strings as unset", () => {
    const c = loadConfig({ ...TEST_ENV, ZALO_GRAPH_URL: "http://127.0.0.1:7070/graph/", PORT: "" });
    expect(c.ZALO_GRAPH_URL).toBe("http://127.0.0.1:7070/graph");
    expect(c.PORT).toBe(3000);
  });

  it("requires the admin email and password together", () => {
    expect(() => loadConfig({ ...TEST_ENV, ADMIN_PASSWORD: undefined })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD go together/);
  });

  it("refuses a dispatcher lease no longer than a Zalo request may take", () => {
    expect(() => loadConfig({ ...TEST_ENV, DISPATCH_LEASE_MS: "5000", ZALO_TIMEOUT_MS: "5000" })).toThrow(/DISPATCH_LEASE_MS/);
    expect(loadConfig({ ...TEST_ENV, DISPATCH_LEASE_MS: "5001", ZALO_TIMEOUT_MS: "5000" }).DISPATCH_LEASE_MS).toBe(5001);
  });

  it("trusts no proxy by default; takes addresses, CIDR ranges or a hop count; refuses trusting everyone", () => {
    expect(loadConfig(TEST_ENV).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...TEST_ENV, TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,::1,loopback" }).TRUST_PROXY).toEqual(["127.0.0.1", "10.0.0.0/8", "::1", "loopback"]);
    expect(loadConfig({ ...TEST_ENV, TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...TEST_ENV, TRUST_PROXY: "0" }).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ ...TEST_ENV, TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: trusting every proxy/);
    expect(() => loadConfig({ ...TEST_ENV, TRUST_PROXY: "10.0.0.0/33" })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...TEST_ENV, TRUST_PROXY: "my-proxy" })).toThrow(/TRUST_PROXY/);
  });

  it("serves /docs in development and test, not in production unless asked", () => {
    const prod = { ...TEST_ENV, NODE_ENV: "production" };
    expect(loadConfig(TEST_ENV).DOCS_ENABLED).toBe(true);
    expect(loadConfig({ ...TEST_ENV, NODE_ENV: "development" }).DOCS_ENABLED).toBe(true);
    expect(loadConfig(prod).DOCS_ENABLED).toBe(false);
    expect(loadConfig({ ...prod, DOCS_ENABLED: "true" }).DOCS_ENABLED).toBe(true);
    expect(loadConfig({ ...TEST_ENV, DOCS_ENABLED: "false" }).DOCS_ENABLED).toBe(false);
  });

  it("takes the shop's time zone, Asia/Ho_Chi_Minh by default, and refuses an unknown one", () => {
    expect(loadConfig(TEST_ENV).SHOP_TIME_ZONE).toBe("Asia/Ho_Chi_Minh");
    expect(loadConfig({ ...TEST_ENV, SHOP_TIME_ZONE: "Asia/Bangkok" }).SHOP_TIME_ZONE).toBe("Asia/Bangkok");
    expect(() => loadConfig({ ...TEST_ENV, SHOP_TIME_ZONE: "Mars/Olympus" })).toThrow(/SHOP_TIME_ZONE: unknown time zone/);
  });

  it("refuses a dev secret in production", () => {
    expect(() => loadConfig({ ...TEST_ENV, NODE_ENV: "production", JWT_SECRET: "dev-only-secret-dev-only-secret-0000" })).toThrow(/JWT_SECRET/);
  });

  it("needs the Mini App ID, a number of its own: not the Zalo App ID", () => {
    expect(() => loadConfig({ ...TEST_ENV, ZALO_MINI_APP_ID: undefined })).toThrow(/ZALO_MINI_APP_ID/);
    expect(() => loadConfig({ ...TEST_ENV, ZALO_MINI_APP_ID: "zmp-app" })).toThrow(/ZALO_MINI_APP_ID: must be the Mini App ID/);
    expect(() => loadConfig({ ...TEST_ENV, ZALO_MINI_APP_ID: TEST_ENV.ZALO_APP_ID })).toThrow(/ZALO_MINI_APP_ID: is the Zalo App ID/);
    expect(loadConfig(TEST_ENV).ZALO_MINI_APP_ID).toBe(TEST_ENV.ZALO_MINI_APP_ID);
  });

  it("in production, refuses to start with a sandbox Checkout method unless explicitly allowed, and says why", () => {
    const prod = { ...TEST_ENV, NODE_ENV: "production", ZALO_CHECKOUT_ALLOW_SANDBOX: undefined };
    // The default is the sandbox method (what the emulator and Zalo's tutorial use)…
    expect(loadConfig({ ...TEST_ENV, ZALO_CHECKOUT_ALLOW_SANDBOX: undefined }).ZALO_CHECKOUT_METHOD).toBe("ZALOPAY_SANDBOX");
    expect(() => loadConfig(prod)).toThrow(/ZALO_CHECKOUT_METHOD: ZALOPAY_SANDBOX is a sandbox method, which real shoppers are never offered/);
    expect(() => loadConfig({ ...prod, ZALO_CHECKOUT_METHOD: "zalopay_sandbox" })).toThrow(/ZALO_CHECKOUT_ALLOW_SANDBOX=true/);
    expect(loadConfig({ ...prod, ZALO_CHECKOUT_ALLOW_SANDBOX: "true" }).ZALO_CHECKOUT_ALLOW_SANDBOX).toBe(true);
    expect(loadConfig({ ...prod, ZALO_CHECKOUT_METHOD: "ZALOPAY" }).ZALO_CHECKOUT_METHOD).toBe("ZALOPAY");
    // Without a Checkout key there are no Zalo payments, so no method to refuse.
    expect(loadConfig({ ...prod, ZALO_CHECKOUT_PRIVATE_KEY: undefined }).ZALO_CHECKOUT_PRIVATE_KEY).toBeUndefined();
    // Development and test talk to a sandbox (the emulator) by default.
    expect(loadConfig({ ...prod, NODE_ENV: "development" }).ZALO_CHECKOUT_METHOD).toBe("ZALOPAY_SANDBOX");
  });

  it("takes Zalo's domain-verification file name and content together", () => {
    expect(() => loadConfig({ ...TEST_ENV, ZALO_DOMAIN_VERIFY_FILE: "zalo_verifierAbC123" })).toThrow(
      /ZALO_DOMAIN_VERIFY_FILE and ZALO_DOMAIN_VERIFY_CONTENT go together/,
    );
    expect(() => loadConfig({ ...TEST_ENV, ZALO_DOMAIN_VERIFY_FILE: "../etc/passwd", ZALO_DOMAIN_VERIFY_CONTENT: "x" })).toThrow(/ZALO_DOMAIN_VERIFY_FILE/);
    expect(loadConfig({ ...TEST_ENV, ZALO_DOMAIN_VERIFY_FILE: "zalo_verifierAbC123", ZALO_DOMAIN_VERIFY_CONTENT: "x" }).ZALO_DOMAIN_VERIFY_FILE).toBe(
      "zalo_verifierAbC123",
    );
  });
});
