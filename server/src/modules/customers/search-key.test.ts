import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "./csv";
import { searchOf } from "./list";
import { ftsPrefixQuery, nameKey, searchKey, SEARCH_KEY_MAX } from "./search-key";

describe("the search key", () => {
  it.each([
    ["Nguyễn Thị Lan", "nguyen thi lan"],
    ["  ĐẶNG   văn LÂM ", "dang van lam"],
    ["Trần Minh-Khoa", "tran minh khoa"],
    ["Phạm Ngọc Ánh 😀", "pham ngoc anh"],
    // Decomposed input (as some keyboards send it) folds the same way.
    ["Nguye\u0302\u0303n", "nguyen"],
    ["李小龍", "李小龍"],
  ])("%s → %s", (name, key) => expect(searchKey(name)).toBe(key));

  it("is never empty for a stored name, and clipped so a cursor stays short", () => {
    expect(nameKey("😀")).toBe("-");
    expect(nameKey("Lan")).toBe("lan");
    expect(searchKey("ấ".repeat(500))).toHaveLength(SEARCH_KEY_MAX);
  });

  it("a query becomes prefix terms, all required, quoted (nothing of FTS5's syntax gets through)", () => {
    expect(ftsPrefixQuery("Nguyễn th")).toBe('"nguyen"* "th"*');
    expect(ftsPrefixQuery('lan" OR * NEAR(')).toBe('"lan"* "or"* "near"*');
    expect(ftsPrefixQuery(" -*- ")).toBeNull();
  });
});

describe("what a query searches", () => {
  it("3+ digits are the phone's last digits (reversed for the index); a whole local number drops its 0", () => {
    expect(searchOf("5678")?.phoneRev).toBe("8765");
    expect(searchOf("0912 345 678")?.phoneRev).toBe("876543219");
    expect(searchOf("+84 912.345.678")?.phoneRev).toBe("87654321948");
    expect(searchOf("0123")?.phoneRev).toBe("3210");
    expect(searchOf("78")?.phoneRev).toBeNull();
    expect(searchOf("lan 5678")?.phoneRev).toBeNull();
  });

  it("a member code as on the card, and the text itself as a Zalo id", () => {
    expect(searchOf("mc-7k2p-9q4x")?.exact).toEqual({ memberCode: "7K2P9Q4X", zaloId: "mc-7k2p-9q4x" });
    expect(searchOf("  ")).toBeNull();
    expect(searchOf(undefined)).toBeNull();
  });
});

describe("CSV cells", () => {
  it("quotes what needs quoting and keeps formulas as text", () => {
    expect(csvCell("Lan")).toBe("Lan");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+84912")).toBe("'+84912");
    expect(csvCell("-5")).toBe("'-5");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell(" lan ")).toBe('" lan "');
    expect(csvCell(null)).toBe("");
    expect(csvCell(0)).toBe("0");
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });
});
