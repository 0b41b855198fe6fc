import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { emulatorZaloEnv } from "../support/stack";
import { crashTestEnv, seedFollowers, startDispatcherProcess, until } from "../support/processes";

// The dispatcher as its own process (as in production): the reply it sends, and Zalo's refusal of another,
// are written by that process, yet the API process's live stream reports them, read from conversation_events.
const dir = mkdtempSync(join(tmpdir(), "mc-inbox-live-"));
let emulator: Awaited<ReturnType<typeof buildEmulator>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let apiUrl: string;
let auth: Record<string, string>;
let dispatcher: ChildProcess | null = null;

beforeAll(async () => {
  emulator = await buildEmulator({ ...emulatorOptionsFromEnv(DEV_DEFAULTS), logger: false });
  const emuUrl = `http://127.0.0.1:${new URL(await emulator.app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  const env = crashTestEnv({
    secret: "inbox-live-secret-inbox-live-00000000",
    zalo: emulatorZaloEnv(emuUrl),
    databasePath: join(dir, "mc.db"),
    concurrency: 4,
  });
  app = await buildApp({ config: loadConfig(env), logger: false });
  apiUrl = await app.listen({ port: 0, host: "127.0.0.1" });
  await fetch(`${emuUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookUrl: `${apiUrl}/webhooks/zalo` }),
  });
  seedFollowers(app.services.db.$client, emulator.state.users, 1, { id: "live", digit: "5", code: "L" });
  const login = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } });
  auth = { authorization: `Bearer ${login.json().token}` };
  dispatcher = startDispatcherProcess(env);
  (globalThis as { emuUrl?: string }).emuUrl = emuUrl;
}, 60_000);

afterAll(async () => {
  if (dispatcher) {
    dispatcher.kill("SIGTERM");
    await new Promise((r) => dispatcher!.once("exit", r));
  }
  await app?.close();
  await emulator?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

const emu = (method: string, path: string, body?: unknown) =>
  fetch(`${(globalThis as { emuUrl?: string }).emuUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => r.json() as Promise<any>);

describe("the live inbox with the dispatcher in another process", () => {
  it("streams the other process's send and failure, and resumes after a reconnect without losing any", async () => {
    const appUserId = [...emulator.state.users.keys()].find((k) => k.startsWith("775"))!;
    expect((await emu("POST", `/_emu/users/${appUserId}/send-text`, { text: "Shop ơi, còn bàn không?" })).delivered).toBe(true);
    const conv = (await app.inject({ method: "GET", url: "/api/staff/inbox", headers: auth })).json().conversations[0];
    expect(conv.customerId).toBe("live0");

    const { token } = (await app.inject({ method: "POST", url: "/api/staff/inbox/stream-token", headers: auth })).json();
    const ac = new AbortController();
    const res = await fetch(`${apiUrl}/api/staff/inbox/stream?token=${encodeURIComponent(token)}`, { signal: ac.signal });
    const reader = res.body!.getReader();
    let text = "";
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await until("the stream to be ready", () => text.includes("event: ready"), 5000, 20);
    const ids = () => [...text.matchAll(/id: (\d+)\nevent: change/g)].map((m) => Number(m[1]));
    const state = async () =>
      (await app.inject({ method: "GET", url: `/api/staff/inbox/${conv.id}`, headers: auth })).json().messages.filter((m: any) => m.direction === "out");

    // A reply: queued here (one change), sent by the other process (a second change, streamed from the database).
    const sent = await app.inject({
      method: "POST",
      url: `/api/staff/inbox/${conv.id}/reply`,
      headers: auth,
      payload: { text: "Dạ còn ạ", requestId: "live-reply-1" },
    });
    expect(sent.statusCode).toBe(201);
    await until("the dispatcher process to send it", async () => (await state())[0]?.state === "sent", 20_000);
    await until("the stream to report the send", () => ids().length >= 2, 5000, 20);
    expect(((await emu("GET", "/_emu/messages?channel=cs")) as { data: { text: string } }[]).filter((m) => m.data.text === "Dạ còn ạ")).toHaveLength(1);

    // Drop the stream; while it is away, Zalo refuses the next reply in the other process.
    const lastSeen = Math.max(...ids());
    ac.abort();
    // -201 (a bad request) fails the reply; -213 would end it suppressed, routed nowhere (inbox-staff.test.ts).
    await emu("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -201, times: 1 });
    await app.inject({
      method: "POST",
      url: `/api/staff/inbox/${conv.id}/reply`,
      headers: auth,
      payload: { text: "Bạn đặt mấy người?", requestId: "live-reply-2" },
    });
    await until("the refusal to be recorded", async () => (await state())[1]?.state === "failed", 20_000);
    expect((await state())[1].reason).toBeTruthy();

    // Reconnect with Last-Event-ID: both changes missed (queued, then failed) arrive, in order, nothing twice.
    const t2 = (await app.inject({ method: "POST", url: "/api/staff/inbox/stream-token", headers: auth })).json().token;
    const ac2 = new AbortController();
    const res2 = await fetch(`${apiUrl}/api/staff/inbox/stream?token=${encodeURIComponent(t2)}`, {
      signal: ac2.signal,
      headers: { "last-event-id": String(lastSeen) },
    });
    const r2 = res2.body!.getReader();
    let text2 = "";
    while (!text2.includes("event: ready")) text2 += new TextDecoder().decode((await r2.read()).value);
    ac2.abort();
    const missed = [...text2.matchAll(/id: (\d+)\nevent: change\ndata: (.*)\n/g)];
    expect(missed.length).toBeGreaterThanOrEqual(2);
    const missedIds = missed.map((m) => Number(m[1]));
    expect(missedIds).toEqual([...missedIds].sort((a, b) => a - b));
    expect(new Set(missedIds).size).toBe(missedIds.length);
    expect(missedIds[0]).toBeGreaterThan(lastSeen);
    for (const m of missed) expect(JSON.parse(m[2]!)).toEqual({ conversationId: conv.id });
  }, 90_000);
});
