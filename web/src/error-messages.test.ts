import { describe, expect, it } from "vitest";
import { validatorCompiler } from "fastify-type-provider-zod";
import {
  AdjustPointsBody,
  AdminLoginBody,
  AuditQuery,
  CampaignInput,
  DEFAULT_WARMING_RULES,
  ErrorCode,
  GameCampaignInput,
  LoyaltyRules,
  OperatorCreate,
  SegmentRules,
  StaffGrantBody,
  StoreSettingsInput,
  WarmingRules,
} from "@mc/shared";
import { ClientErrorCode } from "./api-client";
import { describeError, ERROR_MESSAGES } from "./error-messages";
import { detailOfIssue, fieldProblems, VIETNAMESE } from "./validation-text";

/** What zod and Fastify say in English: none of it may reach a person. */
const ENGLISH = /\b(too small|too big|invalid|expected|received|unrecognized|required|must|should|give|cannot)\b|body\//i;

/** The `details` the API sends for a body the schema refuses: the server's own validator, through JSON. */
function detailsFor(schema: unknown, body: unknown): unknown {
  const result = validatorCompiler({ schema } as never)(body) as { error?: unknown[]; value?: unknown };
  expect(result.error, `the schema accepted ${JSON.stringify(body)}`).toBeDefined();
  return JSON.parse(JSON.stringify(result.error));
}

describe("the error-code → Vietnamese table", () => {
  it("has a Vietnamese title for every server error code and every client code", () => {
    const codes = [...Object.values(ErrorCode), ...Object.values(ClientErrorCode)];
    expect(codes.length).toBeGreaterThan(60);
    for (const code of codes) {
      const { title, hint } = describeError(code);
      expect(title.trim(), code).not.toBe("");
      expect(title, code).toMatch(VIETNAMESE);
      expect(`${title} ${hint}`, code).not.toMatch(ENGLISH);
    }
    // and nothing else: a code that left ErrorCode leaves the table too
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...codes].sort());
  });

  it("reads an unknown code as a generic Vietnamese error, never as the code", () => {
    expect(describeError("SOMETHING_NEW").title).toBe("Đã có lỗi xảy ra");
    expect(describeError("toString").title).toBe("Đã có lỗi xảy ra");
  });
});

describe("validation errors in Vietnamese", () => {
  const cases: [string, unknown, unknown][] = [
    ["an empty password and a bad email", AdminLoginBody, { email: "not-an-email", password: "" }],
    ["a wrong type and an unknown key", AdminLoginBody, { email: 42, password: "x", extra: true }],
    ["a missing field", AdminLoginBody, { email: "a@b.vn" }],
    ["a points adjustment of 0 (a custom rule)", AdjustPointsBody, { delta: 0, reason: "x", idempotencyKey: "k" }],
    ["too many points and too long a reason", AdjustPointsBody, { delta: 5_000_000, reason: "x".repeat(600), idempotencyKey: "k" }],
    ["a percent voucher over 100 with no expiry", CampaignInput, { name: "Giảm", kind: "percent_off", value: 150, perCustomerLimit: 1 }],
    [
      "a wheel with no no-prize slice",
      GameCampaignInput,
      { name: "Vòng quay", kind: "wheel", storeIds: ["q1"], prizes: [{ label: "1 điểm", kind: "points", points: 1, weight: 1 }] },
    ],
    [
      "tiers that do not start at 0",
      LoyaltyRules,
      { vndPerPoint: 10_000, tiers: [{ key: "a", name: "A", threshold: 5, multiplier: 1 }], tierWindowDays: 365, pointsValidDays: 365, expiringSoonDays: 30 },
    ],
    ["a segment rule without bounds", SegmentRules, { all: [{ kind: "points" }] }],
    [
      "a store manager with no store and a short password",
      OperatorCreate,
      { email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: [], password: "ngan" },
    ],
    ["a staff grant naming the person twice", StaffGrantBody, { memberCode: "MC-ABCD-2345", zaloId: "123", storeIds: ["q1"] }],
    ["an audit filter whose days run backwards", AuditQuery, { from: "2026-03-02", to: "2026-03-01" }],
  ];

  it.each(cases)("%s: every line is Vietnamese and none is the schema's English", (_, schema, body) => {
    const details = detailsFor(schema, body) as { message: string }[];
    const lines = fieldProblems(details);
    expect(lines.length).toBe(details.length);
    for (const [i, { field, text }] of lines.entries()) {
      expect(text, `${field}: ${details[i]!.message}`).toMatch(VIETNAMESE);
      expect(text).not.toMatch(ENGLISH);
      expect(text).not.toContain(details[i]!.message);
    }
  });

  it("words the numbers and the field the way a form would", () => {
    const lines = fieldProblems(detailsFor(AdminLoginBody, { email: "a@b.vn", password: "" }), { password: "Mật khẩu" });
    expect(lines).toEqual([{ field: "Mật khẩu", text: "không được để trống" }]);
    const adjust = fieldProblems(detailsFor(AdjustPointsBody, { delta: 1, reason: "x".repeat(600), idempotencyKey: "k" }));
    expect(adjust).toEqual([{ field: "reason", text: expect.stringMatching(/^dài tối đa [\d.]+ ký tự$/) }]);
  });

  it("says the warming rules' own rule in Vietnamese, under its field", () => {
    const rules = { ...DEFAULT_WARMING_RULES, quietHours: { start: "05:00", end: "23:00" } };
    const lines = fieldProblems(detailsFor(WarmingRules, rules), { quietHours: "Giờ yên lặng" });
    expect(lines).toContainEqual({ field: "Giờ yên lặng", text: expect.stringContaining("phủ kín khung giờ khuyến mãi") });
  });

  const week = { mon: [{ open: "07:00", close: "07:00" }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const badStore = { name: "", active: true, timeZone: "Asia/Ho_Chi_Minh", week, exceptions: [{ date: "2026-02-30" }] };

  it("shows a message the schema wrote in Vietnamese as it is (the stores' schema)", () => {
    const lines = fieldProblems(detailsFor(StoreSettingsInput, badStore));
    expect(lines).toEqual(
      expect.arrayContaining([
        { field: "name", text: "Nhập tên cửa hàng" },
        { field: "week.mon.0.close", text: "Giờ đóng cửa phải khác giờ mở cửa" },
        { field: "exceptions.0.date", text: "Ngày này không có trên lịch" },
      ]),
    );
  });

  it("reads a form's own safeParse issues exactly as the server's details", () => {
    const parsed = StoreSettingsInput.safeParse(badStore);
    expect(parsed.success).toBe(false);
    const local = JSON.parse(JSON.stringify(parsed.error!.issues.map(detailOfIssue)));
    const server = (detailsFor(StoreSettingsInput, badStore) as Record<string, unknown>[]).map(({ schemaPath: _, ...d }) => d);
    expect(local).toEqual(server);
    expect(fieldProblems(local)).toEqual(fieldProblems(server));
  });

  it("words a ZNS template's data problems", () => {
    const lines = fieldProblems({
      problems: [
        { param: "name", code: "MISSING", message: "name is required" },
        { param: "amount", code: "BAD_FORMAT", message: "amount must be digits only" },
      ],
    });
    expect(lines).toEqual([
      { field: "name", text: "cần được điền" },
      { field: "amount", text: "chỉ được gồm chữ số" },
    ]);
  });
});
