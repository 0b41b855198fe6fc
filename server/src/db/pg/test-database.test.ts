import { expect, it } from "vitest";
import { testPgServer } from "./test-database";

// Port 1 on loopback: nothing listens there, so the connection is refused at once.
const NOWHERE = "postgres://postgres@127.0.0.1:1/postgres";

it("skips the PostgreSQL tests when no server answers, but fails them in CI", async () => {
  await expect(testPgServer({ TEST_PG_URL: NOWHERE })).resolves.toBeUndefined();
  await expect(testPgServer({ TEST_PG_URL: NOWHERE, CI: "true" })).rejects.toThrow(/CI=true and no PostgreSQL answers at postgres:\/\/postgres@127\.0\.0\.1:1/);
});
