import { normaliseText } from "@mc/shared";

/**
 * How search sees a name: lower case, Vietnamese tone and vowel marks dropped, đ as d, one space between
 * words ("  Nguyễn  Thị Lan" → "nguyen thi lan"). The customers repo writes it beside every name it writes,
 * and customers_fts indexes it; a query goes through the same function, so "nguyen", "Nguyễn" and "NGUYEN"
 * find the same people. SQLite's own unicode61 tokenizer folds tones but keeps đ, hence this in JS.
 * Clipped so a sort cursor that carries it stays short.
 */
export const SEARCH_KEY_MAX = 120;

export function searchKey(s: string): string {
  // The same folding as the auto-replies' matcher (shared), clipped.
  return [...normaliseText(s)].slice(0, SEARCH_KEY_MAX).join("").trimEnd();
}

/** The words of a query as FTS5 prefix terms, all required ("nguyen th" → `"nguyen"* "th"*`); null when there are none. */
export function ftsPrefixQuery(q: string, maxWords = 8): string | null {
  const words = searchKey(q).split(" ").filter(Boolean).slice(0, maxWords);
  return words.length ? words.map((w) => `"${w}"*`).join(" ") : null;
}

/** The key stored for a name: never '' (which marks "not computed yet"), even for a name with no letters. */
export const nameKey = (name: string) => searchKey(name) || "-";

/**
 * The same query for PostgreSQL's full-text search (to_tsquery('simple', …) over to_tsvector('simple', search_name)):
 * every word's letters-and-digits runs as prefix lexemes, all required, as FTS5's unicode61 tokenizer splits them.
 */
export function tsPrefixQuery(q: string, maxWords = 8): string | null {
  const words = searchKey(q).split(" ").filter(Boolean).slice(0, maxWords);
  const tokens = words.flatMap((w) => w.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  return tokens.length ? tokens.map((t) => `${t}:*`).join(" & ") : null;
}
