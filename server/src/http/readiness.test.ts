import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const ready = async () => {
  const res = await h.app.inject({ method: "GET", url: "/ready" });
  return { status: res.statusCode, body: res.json() };
};

describe("/ready", () => {
  it("200 once started; 503 NOT_READY when this build's last migration is missing from the database", async () => {
    expect(await ready()).toEqual({ status: 200, body: { ok: true } });
    const c = h.app.services.db.$client;
    const last = c.prepare("select hash, created_at from __drizzle_migrations order by created_at desc limit 1").get() as { hash: string; created_at: number };
    c.prepare("delete from __drizzle_migrations where created_at = ?").run(last.created_at);
    try {
      expect(await ready()).toMatchObject({ status: 503, body: { code: "NOT_READY", details: { reason: "migrations" } } });
    } finally {
      c.prepare("insert into __drizzle_migrations (hash, created_at) values (?, ?)").run(last.hash, last.created_at);
    }
    expect((await ready()).status).toBe(200);
  });

  it("draining (shutdown begun): /ready answers 503 while /health and the API still answer", async () => {
    h.app.drain();
    expect(await ready()).toMatchObject({ status: 503, body: { code: "NOT_READY", details: { reason: "draining" } } });
    expect((await h.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/api/stores" })).statusCode).toBe(200);
  });
});
