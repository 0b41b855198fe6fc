import { describe, expect, it } from "vitest";
import { counterName, maskPhone, normalizePhone } from "./identity";

describe("normalizePhone → Zalo's 84… form", () => {
  it.each([
    ["0912345678", "84912345678"],
    ["84912345678", "84912345678"],
    ["+84 912 345 678", "84912345678"],
    ["912345678", "84912345678"], // Excel dropped the leading 0
    ["+84-0912.345.678", "84912345678"],
  ])("%s → %s", (raw, want) => expect(normalizePhone(raw)).toBe(want));

  it.each(["", "abc", "12345", "0012345678", "091234567890"])("rejects %j", (raw) => expect(normalizePhone(raw)).toBeNull());

  it("masks all but the country code and last 4 digits", () => expect(maskPhone("84912345678")).toBe("84•••••5678"));
});

describe("counterName", () => {
  it("keeps the given name and initials of the rest", () => {
    expect(counterName("Nguyễn Thu Hà")).toBe("N. T. Hà");
    expect(counterName("  Trần   Minh Khoa ")).toBe("T. M. Khoa");
    expect(counterName("Ánh")).toBe("Ánh");
    expect(counterName("đặng văn lâm")).toBe("Đ. V. lâm");
  });
});
