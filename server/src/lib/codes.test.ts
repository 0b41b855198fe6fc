import { describe, expect, it } from "vitest";
import { humanCode, MEMBER_CODE_LENGTH, normalizeMemberCode, normalizeVoucherCode } from "./codes";

describe("normalizeMemberCode", () => {
  it("accepts the card form, lower case with spaces, and the bare code", () => {
    for (const typed of ["MC-7K2P-9Q4X", "mc 7k2p9q4x", "7K2P9Q4X", "mc-7k2p 9q4x", " MC7K2P9Q4X ", "7k2p-9q4x"]) {
      expect(normalizeMemberCode(typed), typed).toBe("7K2P9Q4X");
    }
  });

  it("keeps a member code that itself starts with MC, typed with or without the card prefix", () => {
    expect(normalizeMemberCode("MCAB-2345")).toBe("MCAB2345");
    expect(normalizeMemberCode("mcab2345")).toBe("MCAB2345");
    expect(normalizeMemberCode("MC-MCAB-2345")).toBe("MCAB2345");
  });

  it("does not rewrite characters outside the alphabet into other characters", () => {
    expect(normalizeMemberCode("MC-7K2P-9Q4O")).toBe("7K2P9Q4O");
    expect(normalizeMemberCode("7K2P9Q4I")).toBe("7K2P9Q4I");
  });
});

describe("normalizeVoucherCode", () => {
  it("never strips a leading MC: such a voucher code stays redeemable", () => {
    expect(normalizeVoucherCode("MC7K2P9Q")).toBe("MC7K2P9Q");
    expect(normalizeVoucherCode("mc7k-2p9q")).toBe("MC7K2P9Q");
    expect(normalizeVoucherCode("MC-7K2P-9Q")).toBe("MC7K2P9Q");
    expect(normalizeVoucherCode("MCMC2345")).toBe("MCMC2345");
  });

  it("upper-cases and drops separators only", () => {
    expect(normalizeVoucherCode(" k7m2 p9q4 ")).toBe("K7M2P9Q4");
    expect(normalizeVoucherCode("K7M2-P9Q4")).toBe("K7M2P9Q4");
  });

  it("round-trips every generated code, whatever it starts with", () => {
    for (let i = 0; i < 2000; i++) {
      const code = humanCode(8);
      expect(normalizeVoucherCode(code)).toBe(code);
      expect(normalizeVoucherCode(code.toLowerCase())).toBe(code);
    }
  });
});

describe("humanCode", () => {
  it("uses only the unambiguous alphabet", () => {
    const code = humanCode(2000);
    expect(code).toHaveLength(2000);
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]+$/);
  });

  it("member codes round-trip through the card form", () => {
    for (let i = 0; i < 2000; i++) {
      const code = humanCode(MEMBER_CODE_LENGTH);
      const card = `MC-${code.slice(0, 4)}-${code.slice(4)}`;
      expect(normalizeMemberCode(card)).toBe(code);
      expect(normalizeMemberCode(code)).toBe(code);
    }
  });
});
