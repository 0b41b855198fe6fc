import Fastify from "fastify";
import { buildEmulator, type EmulatorOptions } from "./app";

export const APP = {
  appId: "4318000000000000001",
  miniAppId: "2754000000000000002",
  appSecret: "test-app-secret",
  oaId: "3886000000000000001",
  oaSecretKey: "test-oa-secret-key",
};
export const OA_TOKEN = "test-oa-access";
export const OA_REFRESH = "test-oa-refresh";
/** 2026-05-12 10:00 in UTC+7 (03:00 UTC): inside every send window. */
export const T0 = Date.UTC(2026, 4, 12, 3, 0, 0);

export async function emulator(extra: Partial<EmulatorOptions> = {}) {
  const emu = await buildEmulator({ ...APP, oaAccessToken: OA_TOKEN, oaRefreshToken: OA_REFRESH, now: T0, ...extra });
  const { app } = emu;
  const call = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, opts: { headers?: Record<string, string>; body?: unknown } = {}) => {
    const res = await app.inject({ method, url, headers: opts.headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
    return { status: res.statusCode, body: res.json() as any, headers: res.headers };
  };
  return { ...emu, call };
}

/** A tiny webhook receiver on 127.0.0.1:0 that keeps raw bodies and answers from a script of statuses. */
export async function receiver(statuses: number[] = []) {
  const got: { headers: Record<string, string | string[] | undefined>; raw: string }[] = [];
  const app = Fastify();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.post("/webhooks/zalo", async (req, reply) => {
    got.push({ headers: req.headers, raw: req.body as string });
    return reply.code(statuses.shift() ?? 200).send({ ok: true });
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { url: `${app.listeningOrigin}/webhooks/zalo`, got, close: () => app.close() };
}

export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
