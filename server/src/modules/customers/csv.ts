/**
 * CSV as Excel reads it: UTF-8 with a byte-order mark (or the Vietnamese marks come out garbled), CRLF
 * rows, RFC 4180 quoting. A cell that a spreadsheet would take for a formula (= + - @, or a tab or CR
 * before one) gets a leading apostrophe, so a name typed as `=HYPERLINK(…)` stays text (CSV injection).
 */
export const CSV_BOM = "\ufeff";

export function csvCell(v: string | number | boolean | null | undefined): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (cells: readonly (string | number | boolean | null | undefined)[]) => `${cells.map(csvCell).join(",")}\r\n`;
