import type { openDb } from "@mc/server/db/client";

/** N followers `c0…`, matching the emulator's seeded users (bench/emulator-process.ts), seen an hour before `t`. */
export function seedCustomers(db: ReturnType<typeof openDb>, n: number, t: number) {
  const insert = db.$client.prepare(
    "insert into customers (id, zalo_id, zalo_oa_id, phone, name, member_code, follows_oa, last_interaction_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(`c${i}`, `7700${String(i).padStart(12, "0")}`, `8800${String(i).padStart(12, "0")}`, `8490${String(i).padStart(7, "0")}`, `Khách ${i}`, `M${i}`, t - 3600_000, t, t);
    }
  })();
}
