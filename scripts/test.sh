#!/usr/bin/env bash
# Runs every test (unit, API, emulator, browser) and ends with a plain "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh || exit 1
mkdir -p test-results
# Types first (every package, the benchmarks too): a type error fails the run even if every test passes.
npx tsc -p server && npx tsc -p zalo-emulator && npx tsc -p web && npx tsc -p mini-app && npx tsc -p console && npx tsc -p tests && npx tsc -p bench
types=$?
[ $types -eq 0 ] || echo "type check failed"
# Lint (import cycles, feature boundaries, hook deps, one writer per table, SQL only in repos): a lint error fails the run too.
npx eslint .
lint=$?
[ $lint -eq 0 ] || echo "lint failed"
# Formatting (Prettier; `pnpm format` fixes it): an unformatted file fails the run too.
npx prettier --check . >/dev/null 2>&1
format=$?
[ $format -eq 0 ] || { echo "format check failed (pnpm format fixes it):"; npx prettier --list-different .; }
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
rc=$?
node -e '
  const fs = require("fs");
  try {
    const r = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  } catch { console.log("\n0 passed, 1 failed"); }
'
[ $types -eq 0 ] || rc=1
[ $lint -eq 0 ] || rc=1
[ $format -eq 0 ] || rc=1
exit $rc
