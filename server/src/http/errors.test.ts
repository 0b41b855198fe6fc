import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app";
import { loadConfig } from "../config";
import { TEST_ENV } from "../test-support";
import type { FastifyInstance } from "fastify";

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ config: loadConfig({ ...TEST_ENV, AUTH_RATE_LIMIT_PER_MINUTE: "3" }), logger: false });
  app.get("/boom", { config: { access: "public" } }, async () => {
    throw new Error("secret internals: /etc/passwd");
  });
  await app.ready();
});
afterAll(async () => app.close());

describe("error model {code, message, requestId}", () => {
  it("404 for an unknown route", async () => {
    const res = await app.inject({ method: "GET", url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: "NOT_FOUND", message: "No route GET /nope", requestId: expect.any(String) });
  });

  it("400 VALIDATION_FAILED with details for a bad body", async () => {
    const res = await app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: 42 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "VALIDATION_FAILED", requestId: expect.any(String), details: expect.any(Array) });
  });

  it("400 for a body that is not JSON", async () => {
    const res = await app.inject({ method: "POST", url: "/api/auth/zalo", headers: { "content-type": "application/json" }, payload: "{not json" });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
  });

  it("500 never leaks internals", async () => {
    const res = await app.inject({ method: "GET", url: "/boom" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: "INTERNAL", message: "Something went wrong on our side", requestId: expect.any(String) });
    expect(res.body).not.toContain("passwd");
  });

  it("429 RATE_LIMITED on the sign-in tier", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: "a@b.vn", password: "wrong-wrong" } });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().code).toBe("RATE_LIMITED");
    }
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes.slice(3)).toEqual([429, 429]);
  });

  it("serves /health and the OpenAPI document", async () => {
    expect((await app.inject({ method: "GET", url: "/health" })).json()).toEqual({ ok: true });
    const doc = await app.inject({ method: "GET", url: "/docs/json" });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(["/api/auth/zalo", "/api/me", "/api/me/phone", "/api/admin/login"]));
  });

  it("CORS allows Zalo's origin and localhost (in test), not others", async () => {
    const zalo = await app.inject({ method: "OPTIONS", url: "/api/me", headers: { origin: "https://h5.zdn.vn", "access-control-request-method": "GET" } });
    expect(zalo.headers["access-control-allow-origin"]).toBe("https://h5.zdn.vn");
    const local = await app.inject({ method: "OPTIONS", url: "/api/me", headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" } });
    expect(local.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    const evil = await app.inject({ method: "OPTIONS", url: "/api/me", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("production surface", () => {
  let prod: FastifyInstance;
  beforeAll(async () => {
    prod = await buildApp({ config: loadConfig({ ...TEST_ENV, NODE_ENV: "production", CORS_ORIGINS: "https://shop.example.vn" }), logger: false });
    await prod.ready();
  });
  afterAll(async () => prod.close());

  const preflight = (origin: string) => prod.inject({ method: "OPTIONS", url: "/api/me", headers: { origin, "access-control-request-method": "GET" } });

  it("CORS refuses localhost origins and takes the configured ones", async () => {
    expect((await preflight("http://localhost:5173")).headers["access-control-allow-origin"]).toBeUndefined();
    expect((await preflight("http://127.0.0.1:3000")).headers["access-control-allow-origin"]).toBeUndefined();
    expect((await preflight("https://shop.example.vn")).headers["access-control-allow-origin"]).toBe("https://shop.example.vn");
    expect((await preflight("https://h5.zdn.vn")).headers["access-control-allow-origin"]).toBe("https://h5.zdn.vn");
  });

  it("does not serve /docs unless DOCS_ENABLED", async () => {
    expect((await prod.inject({ method: "GET", url: "/docs/json" })).statusCode).toBe(404);
    expect((await prod.inject({ method: "GET", url: "/docs" })).statusCode).toBe(404);
  });
});
