import { randomInt } from "node:crypto";

// No 0/O, 1/I/L, U: codes are read aloud and typed at a busy counter.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Stored length of a member code (shown on the card as MC-XXXX-XXXX). */
export const MEMBER_CODE_LENGTH = 8;

/** A random human-friendly code (30^n possibilities; n = 8 gives ~6.5e11). */
export function humanCode(length = 8): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Upper case, separators (spaces, dashes, dots…) dropped. No look-alike mapping: 0/O and 1/I/L are all outside the alphabet. */
const compact = (input: string) => input.toUpperCase().replace(/[^0-9A-Z]/g, "");

/**
 * A typed voucher code back to its stored form ("k7mc-2p9q" → "K7MC2P9Q"). Never strips a prefix:
 * a voucher code may itself start with "MC".
 */
export function normalizeVoucherCode(input: string): string {
  return compact(input);
}

/**
 * A typed or scanned member code back to its stored form: "MC-7K2P-9Q4X", "mc 7k2p9q4x" and "7K2P9Q4X"
 * all give "7K2P9Q4X". The card's "MC" prefix is dropped only when what follows is a whole member code,
 * so a member code that itself starts with "MC" still works typed with or without the prefix.
 */
export function normalizeMemberCode(input: string): string {
  const s = compact(input);
  return s.length === MEMBER_CODE_LENGTH + 2 && s.startsWith("MC") ? s.slice(2) : s;
}
