import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AutoReplyRuleInput, DEFAULT_AUTO_REPLY_RULES, matchIntent, normaliseText, type AutoReplyRule } from "./auto-reply";

const intentOf = (text: string, rules: AutoReplyRule[] = DEFAULT_AUTO_REPLY_RULES) => matchIntent(rules, text)?.intent ?? null;

// Each unmarked letter and the marked forms a Vietnamese keyboard (or a phone's autocorrect) may type for it.
const MARKED: Record<string, string[]> = {
  a: ["a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "ẳ", "ẵ", "ặ", "â", "ấ", "ầ", "ẩ", "ẫ", "ậ"],
  e: ["e", "è", "é", "ẻ", "ẽ", "ẹ", "ê", "ế", "ề", "ể", "ễ", "ệ"],
  i: ["i", "ì", "í", "ỉ", "ĩ", "ị"],
  o: ["o", "ò", "ó", "ỏ", "õ", "ọ", "ô", "ố", "ồ", "ổ", "ỗ", "ộ", "ơ", "ớ", "ờ", "ở", "ỡ", "ợ"],
  u: ["u", "ù", "ú", "ủ", "ũ", "ụ", "ư", "ứ", "ừ", "ử", "ữ", "ự"],
  y: ["y", "ỳ", "ý", "ỷ", "ỹ", "ỵ"],
  d: ["d", "đ"],
};

/** Any spelling of `phrase` with other marks, any case, composed (NFC) or decomposed (NFD), spaced oddly. */
const variantOf = (phrase: string) =>
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: phrase.length, maxLength: phrase.length }),
      fc.array(fc.boolean(), { minLength: phrase.length, maxLength: phrase.length }),
      fc.boolean(),
      fc.constantFrom(" ", "  ", "\t", " \u00a0"),
    )
    .map(([picks, upper, nfd, space]) => {
      const s = [...normaliseText(phrase)]
        .map((ch, i) => {
          const forms = MARKED[ch];
          const c = forms ? forms[picks[i]! % forms.length]! : ch;
          return upper[i] ? c.toUpperCase() : c;
        })
        .join("")
        .replace(/ /g, space);
      return nfd ? s.normalize("NFD") : s;
    });

describe("normaliseText", () => {
  it("drops marks, đ and case, and keeps only words", () => {
    expect(normaliseText("ĐIỂM")).toBe("diem");
    expect(normaliseText("  Còn  bao nhiêu   điểm?? ")).toBe("con bao nhieu diem");
    expect(normaliseText("Đơn hàng #MC-12")).toBe("don hang mc 12");
    expect(normaliseText("điểm".normalize("NFD"))).toBe("diem");
    expect(normaliseText("!!! ...")).toBe("");
  });
});

describe("matchIntent with the shipped rules", () => {
  it.each([
    ["còn bao nhiêu điểm", "points"],
    ["con bao nhieu diem", "points"],
    ["ĐIỂM CỦA TÔI", "points"],
    ["Đơn hàng của mình tới đâu rồi?", "last_order"],
    ["trang thai don", "last_order"],
    ["Quán mấy giờ mở cửa vậy", "store_info"],
    ["dia chi cua hang o dau", "store_info"],
    ["địa điểm quán", "store_info"],
    ["cho xin menu", "menu"],
    ["Thực đơn hôm nay", "menu"],
    ["cho tôi gặp nhân viên", "human"],
    ["gap nguoi that di", "human"],
    // The explicit ask for a person outranks whatever else the message names.
    ["gặp nhân viên hỏi về đơn hàng", "human"],
  ])("%s → %s", (text, intent) => expect(intentOf(text)).toBe(intent));

  it("unrelated or empty text matches nothing; keywords match whole words only", () => {
    for (const t of ["xin chào", "cảm ơn shop", "", "   ", "😀", "diemmy", "ordering"]) expect(intentOf(t)).toBeNull();
  });

  it("a switched-off rule matches nothing; priority then the longer keyword decide", () => {
    const rules = DEFAULT_AUTO_REPLY_RULES.map((r) => (r.intent === "points" ? { ...r, enabled: false } : r));
    expect(intentOf("còn bao nhiêu điểm", rules)).toBeNull();
    const tie: AutoReplyRule[] = [
      { intent: "points", keywords: ["diem"], priority: 1, enabled: true },
      { intent: "store_info", keywords: ["dia diem"], priority: 1, enabled: true },
    ];
    expect(intentOf("dia diem", tie)).toBe("store_info");
    expect(intentOf("dia diem", [{ ...tie[0]!, priority: 2 }, tie[1]!])).toBe("points");
  });

  it("property: any diacritics / case / spacing variant of a shipped keyword matches its intent", () => {
    const keywords = DEFAULT_AUTO_REPLY_RULES.flatMap((r) => r.keywords.map((k) => ({ k, intent: r.intent })));
    for (const { k, intent } of keywords) {
      // Alone, the keyword's own intent, unless a higher-priority rule also names those words (none among the shipped ones).
      fc.assert(
        fc.property(variantOf(k), (v) => intentOf(v) === intent),
        { numRuns: 40 },
      );
    }
  });

  it("property: a variant matches the same intent as the plain keyword, inside any sentence", () => {
    const filler = fc.constantFrom("ạ", "ơi", "shop", "cho hỏi", "vậy", "nhé", "");
    const keywords = DEFAULT_AUTO_REPLY_RULES.flatMap((r) => r.keywords);
    fc.assert(
      fc.property(fc.constantFrom(...keywords), filler, filler, (k, before, after) =>
        fc.assert(
          fc.property(variantOf(k), (v) => intentOf(`${before} ${v} ${after}`) === intentOf(`${before} ${k} ${after}`)),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 60 },
    );
  });

  it("property: text without any keyword's words matches nothing", () => {
    // Letters none of the shipped keywords is made of alone (every keyword has a vowel other than these).
    const unrelated = fc.string({ unit: fc.constantFrom(..."bcfjkqwxz0123456789 ?!.,"), maxLength: 40 });
    fc.assert(fc.property(unrelated, (t) => intentOf(t) === null));
  });
});

describe("AutoReplyRuleInput", () => {
  it("takes a rule and refuses a keyword with no letter, an empty list, a priority out of range", () => {
    expect(AutoReplyRuleInput.safeParse({ keywords: ["điểm"], priority: 10, enabled: true }).success).toBe(true);
    const bad = AutoReplyRuleInput.safeParse({ keywords: ["???"], priority: 10, enabled: true });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["keywords", 0], params: { vi: "từ khoá cần có chữ hoặc số" } });
    expect(AutoReplyRuleInput.safeParse({ keywords: [], priority: 10, enabled: true }).success).toBe(false);
    expect(AutoReplyRuleInput.safeParse({ keywords: ["a"], priority: 101, enabled: true }).success).toBe(false);
  });
});
