import { randomInt } from "node:crypto";

// No 0/O, 1/I/L, U: codes are read aloud and typed at a busy counter.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A random human-friendly code (30^n possibilities; n = 8 gives ~6.5e11). */
export function humanCode(length = 8): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** What a person typed ("mc-7k2p 9q4x") back to the stored form ("7K2P9Q4X"). */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/^MC[-\s]?/, "").replace(/[^0-9A-Z]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}
