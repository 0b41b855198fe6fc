// `pnpm --filter @mc/server db:pg:migrate`: applies the PostgreSQL migrations to DATABASE_URL (on deploy, from one
// process, before any instance starts). Needs only DATABASE_URL, not the server's whole configuration.
import { migratePg } from "./client";

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error("DATABASE_URL must be a postgres:// URL (the database to migrate)");
  process.exit(64);
}
try {
  await migratePg(url);
  console.log("PostgreSQL migrations applied");
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
