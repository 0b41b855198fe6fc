/**
 * Online backup and restore of the SQLite database (DATABASE_PATH, as the server uses it):
 *   pnpm --filter @mc/server backup <dest>      while the server runs
 *   pnpm --filter @mc/server restore <backup>   with the server stopped
 * Both check the copy (integrity, foreign keys) and print its row counts as JSON.
 */
import { backupDatabase, restoreDatabase } from "./db/backup";

const [command, file] = process.argv.slice(2);
const database = process.env.DATABASE_PATH || "./data/master-channel.db";
// Copying the SQLite file of a server that runs on PostgreSQL would be a backup of the wrong database.
if (process.env.DATABASE_URL) {
  console.error("DATABASE_URL is set: this tool backs up SQLite only; back PostgreSQL up with pg_dump or the cluster's own backups");
  process.exit(64);
}
if ((command !== "backup" && command !== "restore") || !file) {
  console.error("usage: backup-main.ts backup <dest> | restore <backup-file>   (DATABASE_PATH names the database)");
  process.exit(64);
}
try {
  const report = command === "backup" ? await backupDatabase(database, file) : await restoreDatabase(file, database);
  console.log(JSON.stringify({ command, database, file, ...report }));
} catch (err) {
  console.error(`${command} failed: ${(err as Error).message}`);
  process.exit(1);
}
