import { describe, expect, it } from "vitest";
import { REASON_LABEL, ZALO_ERROR_TEXT } from "@mc/shared";
import { ZALO_CODE_TEXT, sendReasonText } from "./zalo-reasons";

const ENGLISH = /\b(the|is|has|not|invalid|error|recipient|quota|template)\b/i;

describe("why a message was not sent, in Vietnamese", () => {
  it("every Zalo code the server names has a Vietnamese text", () => {
    for (const code of Object.keys(ZALO_ERROR_TEXT).map(Number)) expect(ZALO_CODE_TEXT[code], String(code)).toBeTruthy();
  });

  it("Zalo's refusals, the policy's reasons and older English rows all read in Vietnamese", () => {
    expect(sendReasonText("ZALO_ERROR:-201")).toBe("Zalo từ chối: Tin có trường dữ liệu không hợp lệ (mã -201)");
    expect(sendReasonText("ZALO_ERROR:-213")).toContain("Khách chưa quan tâm OA");
    expect(sendReasonText("ZALO_ERROR:-99999")).toBe("Zalo từ chối: lỗi không rõ (mã -99999)");
    expect(sendReasonText("NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER")).toBe(REASON_LABEL.NOT_A_FOLLOWER);
    expect(sendReasonText("OUTSIDE_CS_WINDOW:cs:OUTSIDE_CS_WINDOW")).toBe(REASON_LABEL.OUTSIDE_CS_WINDOW);
    expect(sendReasonText("OA_DISCONNECTED")).toBe(REASON_LABEL.OA_DISCONNECTED);
    expect(sendReasonText("QUOTA_EXHAUSTED")).toBe(REASON_LABEL.QUOTA_EXHAUSTED);
    expect(sendReasonText("RETRY:rate_limit")).toBe(REASON_LABEL.RETRY);
    expect(sendReasonText("SEND_FAILED")).toBe("Không gửi được tới Zalo (lỗi kết nối)");
    expect(sendReasonText("A field is invalid")).toContain("(mã -201)");
    expect(sendReasonText("Zalo error -32")).toContain("Zalo đang bận");
    for (const text of [...Object.values(ZALO_ERROR_TEXT), "Zalo POST /x failed (0): socket hang up"]) expect(sendReasonText(text)).not.toMatch(ENGLISH);
  });
});
