import { defineConfig } from "drizzle-kit";

// PostgreSQL's migrations, from the schema generated out of the SQLite one (src/db/pg/generate-schema.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/pg/schema.ts",
  out: "./drizzle-pg",
});
