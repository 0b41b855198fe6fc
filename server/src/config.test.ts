import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { TEST_ENV } from "./test-support";

const PG_URL = "postgres://postgres@127.0.0.1:5432/test";

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

  it("selects SQLite by default or with DATABASE_PATH, PostgreSQL with a postgres:// DATABASE_URL, and refuses both at once", () => {
    const none = loadConfig({ ...TEST_ENV, DATABASE_PATH: undefined });
    expect([none.DATABASE_DIALECT, none.DATABASE_PATH, none.DATABASE_URL]).toEqual(["sqlite", "./data/master-channel.db", undefined]);
    expect(loadConfig({ ...TEST_ENV, DATABASE_PATH: "/srv/mc.db" })).toMatchObject({ DATABASE_DIALECT: "sqlite", DATABASE_PATH: "/srv/mc.db" });
    for (const url of [PG_URL, "postgresql://app:secret@db.internal:6432/mc?sslmode=require"]) {
      expect(loadConfig({ ...TEST_ENV, DATABASE_PATH: undefined, DATABASE_URL: url })).toMatchObject({ DATABASE_DIALECT: "postgres", DATABASE_URL: url });
    }
    expect(() => loadConfig({ ...TEST_ENV, DATABASE_PATH: "/srv/mc.db", DATABASE_URL: PG_URL })).toThrow(
      /DATABASE_URL \(PostgreSQL\) and DATABASE_PATH \(SQLite\) are both set/,
    );
    expect(() => loadConfig({ ...TEST_ENV, DATABASE_PATH: undefined, DATABASE_URL: "mysql://db/mc" })).toThrow(/DATABASE_URL: must be a postgres:\/\//);
  });

  it("a server pointed at PostgreSQL refuses to start, saying its services do not run there yet, rather than open SQLite", async () => {
    const config = loadConfig({ ...TEST_ENV, DATABASE_PATH: undefined, DATABASE_URL: PG_URL });
    await expect(buildApp({ config, logger: false })).rejects.toThrow(/selects PostgreSQL, which this version's API and dispatcher do not run on yet/);
    // The real entry points exit as for any configuration error (78), with the reason on stderr.
    const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
    for (const entry of ["src/main.ts", "src/dispatcher-main.ts"]) {
      const { code, err } = await new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", entry], {
          cwd: serverDir,
          env: { ...process.env, ...TEST_ENV, DATABASE_PATH: "", DATABASE_URL: PG_URL, PORT: "0" },
        });
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("close", (c) => done({ code: c, err }));
      });
      expect(code, `${entry}: ${err}`).toBe(78);
      expect(err).toContain("do not run on yet (issue #16");
    }
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
