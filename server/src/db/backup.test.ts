import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { buildApp } from "../app";
import { loadConfig } from "../config";
import { fileEnv, forkApi, TEST_ENV } from "../test-support";

const dir = mkdtempSync(join(tmpdir(), "mc-backup-"));
const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
let emu: Awaited<ReturnType<typeof buildEmulator>>;
let env: Record<string, string>;
let api: Awaited<ReturnType<typeof forkApi>>;

/** The command as an operator runs it (`pnpm --filter @mc/server backup|restore <file>`), in its own process. */
function cli(command: "backup" | "restore", file: string, databasePath: string): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/backup-main.ts", command, file], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_PATH: databasePath },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code: code ?? -1, out, err })));
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  emu = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), logger: false });
  const emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  env = fileEnv(emuUrl, join(dir, "live.db"));
  api = await forkApi(env);
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await emu?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("online backup and restore", () => {
  it("backs up while the server takes writes; the copy is whole and consistent, and restores into a working server", async () => {
    const admin = (await call("POST", "/api/admin/login", undefined, { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD })).body.token;
    await call("POST", "/api/admin/stores", admin, { id: "q1", name: "Quận 1" });
    const login = async (name: string) => {
      const u = await (
        await fetch(`${env.ZALO_GRAPH_URL!.replace("/graph", "")}/_emu/users`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name }),
        })
      ).json();
      const { accessToken } = await (await fetch(`${env.ZALO_GRAPH_URL!.replace("/graph", "")}/_emu/users/${u.appUserId}/token`, { method: "POST" })).json();
      return (await call("POST", "/api/auth/zalo", undefined, { accessToken })).body as { token: string; customer: { id: string } };
    };
    const staff = await login("Nhân viên");
    expect((await call("PUT", `/api/admin/customers/${staff.customer.id}/role`, admin, { role: "staff", storeIds: ["q1"] })).status).toBe(200);
    const member = await login("Khách quen");
    const code = (await call("GET", "/api/me", member.token)).body.loyalty.memberCode;

    // A reader holding an old snapshot keeps checkpoints from copying anything newer into the database
    // file: the awards below then exist only in the WAL when the backup runs, so a plain copy of the file
    // would miss them, and only a backup that reads through SQLite has them all.
    const pin = new Database(env.DATABASE_PATH!, { readonly: true });
    pin.exec("begin");
    pin.prepare("select count(*) from customers").get();

    // Four writers award points without pause until the backup is done.
    let receipt = 0;
    let acked = 0;
    let refused = 0;
    let running = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (running) {
        const r = await call("POST", "/api/staff/points/award", staff.token, {
          memberCode: code,
          storeId: "q1",
          amountVnd: 50_000,
          receiptId: `R-${receipt++}`,
        });
        if (r.status === 200) acked++;
        else refused++;
      }
    });
    while (acked < 50) await new Promise((r) => setTimeout(r, 10));
    const ackedBefore = acked;
    const dest = join(dir, "copy.db");
    const backup = await cli("backup", dest, env.DATABASE_PATH!);
    running = false;
    await Promise.all(writers);
    pin.exec("commit");
    pin.close();
    expect(backup.code, backup.err).toBe(0);
    expect(refused).toBe(0);
    expect(JSON.parse(backup.out)).toMatchObject({ command: "backup", integrity: "ok" });
    expect(existsSync(`${dest}.partial`)).toBe(false);

    // The copy opens on its own (one file, no WAL beside it), passes the integrity check, holds every award
    // answered before the backup began, and is one consistent moment: balance = ledger = audit.
    const copy = new Database(dest, { readonly: true, fileMustExist: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    const entries = copy.prepare("select count(*) from points_ledger where customer_id = ?").pluck().get(member.customer.id) as number;
    expect(entries).toBeGreaterThanOrEqual(ackedBefore);
    expect(copy.prepare("select count(*) from audit_log where action = 'points.award'").pluck().get()).toBe(entries);
    const balance = copy.prepare("select points_balance from customers where id = ?").pluck().get(member.customer.id) as number;
    expect(copy.prepare("select sum(delta) from points_ledger where customer_id = ?").pluck().get(member.customer.id)).toBe(balance);
    expect(JSON.parse(backup.out).tables.points_ledger).toBe(entries);
    copy.close();
    // The live database went on meanwhile (the writers were never refused), and has everything since.
    const live = new Database(env.DATABASE_PATH!, { readonly: true });
    expect(live.prepare("select count(*) from points_ledger").pluck().get()).toBe(acked);
    live.close();

    // Restore into a fresh path and start a server on it: the member's session and points are there.
    const restored = join(dir, "restored.db");
    const restore = await cli("restore", dest, restored);
    expect(restore.code, restore.err).toBe(0);
    const app = await buildApp({ config: loadConfig({ ...env, DATABASE_PATH: restored }), logger: false });
    try {
      const me = await app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${member.token}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json().loyalty.balance).toBe(balance);
    } finally {
      await app.close();
    }
  }, 60_000);

  it("refuses to back up a database onto itself, or a file that is not there", async () => {
    expect((await cli("backup", env.DATABASE_PATH!, env.DATABASE_PATH!)).code).toBe(1);
    expect((await cli("backup", join(dir, "x.db"), join(dir, "missing.db"))).code).toBe(1);
    expect((await cli("restore", join(dir, "missing.db"), join(dir, "y.db"))).code).toBe(1);
  }, 30_000);
});
