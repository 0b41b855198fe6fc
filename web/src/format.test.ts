import { describe, expect, it } from "vitest";
import { fmtDate, fmtDateTime, fmtPct, fmtPhone, fmtPoints, fmtVnd } from "./format";
import { newRequestId } from "./request-id";

describe("formats", () => {
  it("money, points and percentages the Vietnamese way", () => {
    expect(fmtVnd(1_250_000)).toBe("1.250.000đ");
    expect(fmtPoints(1200)).toBe("1.200 điểm");
    expect(fmtPct(0.125)).toBe("12,5%");
  });

  it("dates and times on the device's clock, a dash for none", () => {
    const at = new Date(2025, 2, 5, 14, 5).getTime();
    expect(fmtDate(at)).toBe("05/03/2025");
    expect(fmtDateTime(new Date(at).toISOString())).toBe("14:05 · 05/03/2025");
    expect(fmtDate(null)).toBe("—");
    expect(fmtDateTime(undefined)).toBe("—");
    // in a given zone: 2025-03-05T17:30Z is 00:30 the next day in Vietnam, 17:30 in London
    expect(fmtDateTime("2025-03-05T17:30:00Z", "Asia/Ho_Chi_Minh")).toBe("00:30 · 06/03/2025");
    expect(fmtDateTime("2025-03-05T17:30:00Z", "Europe/London")).toBe("17:30 · 05/03/2025");
  });

  it("phone numbers as 0xx xxx xxxx, masked or not; anything else as it came", () => {
    expect(fmtPhone("84987654321")).toBe("098 765 4321");
    expect(fmtPhone("0987654321")).toBe("098 765 4321");
    expect(fmtPhone("84•••••4321")).toBe("0•• ••• 4321");
    expect(fmtPhone("+1 555 0100")).toBe("+1 555 0100");
    expect(fmtPhone("8412")).toBe("8412");
  });

  it("request ids: prefixed, unique, within the server's 8–64 characters", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId("ord")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^ord-[0-9a-f-]{32,36}$/);
    expect(newRequestId("x".repeat(80)).length).toBe(64);
  });
});
