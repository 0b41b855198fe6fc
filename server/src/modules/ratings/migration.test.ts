import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { openDb } from "../../db/client";

const migrations = resolve(dirname(fileURLToPath(import.meta.url)), "../../../drizzle");
const SHIPPED = "Đơn {code} của bạn thế nào? Trả lời tin nhắn này để góp ý cho cửa hàng nhé!";
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database migrated up to just before the ratings, its feedback text set to `text`, then upgraded. */
function upgradeWith(text: string): string {
  const before = join(dir, `before-${Math.random().toString(36).slice(2)}`);
  cpSync(migrations, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_order_ratings")),
  );
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(before, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: before });
  expect(old.prepare("select text from automations where id = 'order-feedback'").pluck().get()).toBe(SHIPPED);
  old.prepare("update automations set text = ? where id = 'order-feedback'").run(text);
  old.close();
  const db = openDb(path); // applies the rest
  const after = db.$client.prepare("select text from automations where id = 'order-feedback'").pluck().get() as string;
  db.$client.close();
  return after;
}

it("the shipped feedback text gains the rating link; a text the shop edited is left as it is", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-migrate-rating-"));
  expect(upgradeWith(SHIPPED)).toBe("Đơn {code} của bạn thế nào? Chấm điểm và góp ý cho cửa hàng tại đây nhé: {rating_link}");
  expect(upgradeWith("Đơn {code} ổn không {name}? Nhắn lại cho shop nhé")).toBe("Đơn {code} ổn không {name}? Nhắn lại cho shop nhé");
});
