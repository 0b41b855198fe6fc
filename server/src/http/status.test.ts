import { describe, expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import { HTTP_STATUS, statusOf } from "./status";
import { AppError } from "../errors";

describe("one code → status table", () => {
  it("gives every shared error code one 4xx/5xx status", () => {
    for (const code of Object.values(ErrorCode)) expect([code, statusOf(code) >= 400 && statusOf(code) < 600]).toEqual([code, true]);
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it("a voucher past its date is 410 Gone, whichever path finds it (it was 409 on one and 410 on another)", () => {
    expect(statusOf(ErrorCode.VOUCHER_EXPIRED)).toBe(410);
    // AppError carries no status of its own: the throw site cannot pick one.
    expect(Object.keys(new AppError(ErrorCode.VOUCHER_EXPIRED, "expired", { at: 1 }))).not.toContain("statusCode");
  });
});
