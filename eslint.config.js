// One flat config for the whole workspace. Only structural rules for now (import cycles, the mini app's
// feature boundaries, hook deps); style is left to the code's current shape, not reformatted.
import { readdirSync } from "node:fs";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

const FEATURES = "./mini-app/src/features";
const features = readdirSync(new URL(FEATURES, import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

// One module owns each table and is its only writer (design.md). A write is a drizzle insert/update/delete
// on the table's schema object or an SQL string that inserts into, updates or deletes from it; reads are
// anyone's. Each module's folder may write its own tables only; tests and fixtures are not checked.
const OWNED = [
  {
    module: "customers",
    tables: ["customers", "customer_tags", "staff_stores", "customer_notes"],
    schema: ["customers", "customerTags", "staffStores", "customerNotes"],
  },
  { module: "stores", tables: ["stores"], schema: ["stores"] },
  { module: "admin", tables: ["admin_users", "admin_user_stores"], schema: ["adminUsers", "adminUserStores"] },
  { module: "oa", tables: ["webhook_events", "follow_events", "follower_syncs"], schema: ["webhookEvents", "followEvents", "followerSyncs"] },
  { module: "auto-replies", tables: ["auto_reply_rules", "auto_reply_log"], schema: ["autoReplyRules", "autoReplyLog"] },
  { module: "rate-limits", tables: ["rate_buckets"], schema: ["rateBuckets"] },
];
const writesTo = (o) => {
  const sql = `/\\b(insert\\s+(or\\s+\\w+\\s+)?into|update|delete\\s+from)\\s+"?(${o.tables.join("|")})\\b/i`;
  const message = `Only modules/${o.module} writes ${o.tables.join(", ")}: call its repo.`;
  return [
    { selector: `CallExpression[callee.property.name=/^(insert|update|delete)$/][arguments.0.name=/^(${o.schema.join("|")})$/]`, message },
    { selector: `Literal[value=${sql}]`, message },
    { selector: `TemplateElement[value.raw=${sql}]`, message },
  ];
};
const ownedWrites = (allowed = []) => OWNED.filter((o) => !allowed.includes(o.module)).flatMap(writesTo);

// SQL lives in repos only: a service or route says what it needs, a repo says how it is stored. db/ holds the
// connection, migrations and the generic slicing/commit helpers; the audit log's one insert, the OA token row
// and the tests' route table are repos in all but name.
const REPO_LIKE = ["server/src/**/*repo.ts", "server/src/db/**", "server/src/lib/audit.ts", "server/src/zalo/token-store.ts", "server/src/http/route-table.ts"];
const SQL_STATEMENT = "/^\\s*(select\\s|insert\\s+into\\s|update\\s+\\w+\\s+set\\s|delete\\s+from\\s)/i";
const sqlOutsideRepos = [
  { selector: `Literal[value=${SQL_STATEMENT}]`, message: "SQL belongs in the module's repo." },
  { selector: `TemplateElement[value.raw=${SQL_STATEMENT}]`, message: "SQL belongs in the module's repo." },
  { selector: "CallExpression[callee.property.name='prepare']", message: "Prepared statements belong in the module's repo." },
  {
    selector: "CallExpression[callee.property.name=/^(insert|update|delete|select|selectDistinct)$/][callee.object.name='db']",
    message: "Queries belong in the module's repo.",
  },
  { selector: "TaggedTemplateExpression[tag.name='sql']", message: "SQL belongs in the module's repo." },
];
// One rule (no-restricted-syntax) carries both checks, so each block states the whole list for its files.
const tableRules = (allowed, inRepo) => ({ "no-restricted-syntax": ["error", ...ownedWrites(allowed), ...(inRepo ? [] : sqlOutsideRepos)] });
/** A letter only Vietnamese writes. */
const VIETNAMESE = "/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i";
const NOT_CHECKED = ["**/*.test.ts", "server/src/**/test-fixture.ts", "server/src/test-support.ts", "server/src/test-instance.ts"];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/www/**", "**/.vite/**", "test-results/**", "data/**"] },
  {
    files: ["**/*.{ts,tsx,mts,js,mjs}"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { "import-x": importX },
    settings: {
      // Dependencies are parsed as TypeScript too (no-cycle follows them), resolved like tsc does.
      "import-x/extensions": importX.flatConfigs.typescript.settings["import-x/extensions"],
      "import-x/parsers": importX.flatConfigs.typescript.settings["import-x/parsers"],
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["tsconfig.json", "*/tsconfig.json"], noWarnOnMultipleProjects: true })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    files: ["mini-app/src/**/*.{ts,tsx}", "console/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      // useLoad(load, deps) takes its deps like useEffect, so it is checked the same way.
      "react-hooks/exhaustive-deps": ["error", { additionalHooks: "^useLoad$" }],
    },
  },
  {
    // Mini-app features never import each other: shared pieces live in lib/ or components/, and
    // those never reach into a feature (app/ composes features, e.g. the home cards).
    files: ["mini-app/src/**/*.{ts,tsx}"],
    rules: {
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            ...features.map((f) => ({
              target: `${FEATURES}/${f}`,
              from: FEATURES,
              except: [`./${f}`],
              message: "A feature may not import another feature: move the shared piece to lib/ or components/.",
            })),
            {
              target: ["./mini-app/src/lib", "./mini-app/src/components", "./mini-app/src/session", "./mini-app/src/api", "./mini-app/src/zalo"],
              from: FEATURES,
              message: "Shared code may not depend on a feature.",
            },
          ],
        },
      ],
    },
  },
  {
    // A custom rule in a shared schema reaches the console and the mini app as a validation line: it says itself
    // in Vietnamese, in its message or as `params: { vi }` beside an English one (read by @mc/web/validation-text).
    files: ["shared/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        // an issue's options: Vietnamese in `message`, or `params: { vi }` beside an English one
        ...["addIssue", "refine"].map((name) => ({
          selector: `CallExpression[callee.property.name='${name}'] > ObjectExpression:not(:has(Property[key.name='vi'])):not(:has(Property[key.name='message'] > Literal[value=${VIETNAMESE}]))`,
          message: `A custom zod issue needs its Vietnamese text: a Vietnamese message, or params: { vi: "…" } in this ${name}.`,
        })),
        // a refine's message given as a plain string; a refine with none says only "Invalid input"
        {
          selector: `CallExpression[callee.property.name='refine'] > Literal:not([value=${VIETNAMESE}])`,
          message: 'A custom zod issue needs its Vietnamese text: { message, params: { vi: "…" } } or a Vietnamese message.',
        },
        { selector: "CallExpression[callee.property.name='refine'][arguments.length=1]", message: "Give this refine a Vietnamese message." },
      ],
    },
  },
  { files: ["server/src/**/*.ts"], ignores: NOT_CHECKED, rules: tableRules([], false) },
  ...OWNED.map((o) => ({ files: [`server/src/modules/${o.module}/**/*.ts`], ignores: NOT_CHECKED, rules: tableRules([o.module], false) })),
  { files: REPO_LIKE, ignores: NOT_CHECKED, rules: tableRules([], true) },
  ...OWNED.map((o) => ({ files: [`server/src/modules/${o.module}/**/*repo.ts`], ignores: NOT_CHECKED, rules: tableRules([o.module], true) })),
);
