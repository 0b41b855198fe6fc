/** Vietnamese number, money and date formats shared by every screen. */
export const fmtNumber = (n: number) => n.toLocaleString("vi-VN");
export const fmtVnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
export const fmtPoints = (n: number) => `${n.toLocaleString("vi-VN")} điểm`;

const pad = (n: number) => String(n).padStart(2, "0");

/** 05/03/2025 */
export function fmtDate(iso: string | number): string {
  const d = new Date(iso);
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** 14:05 · 05/03/2025 */
export function fmtDateTime(iso: string | number): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())} · ${fmtDate(iso)}`;
}

/** An id for one user action, so a retried or double-tapped request counts once. */
export function newRequestId(prefix = "r"): string {
  const c = globalThis.crypto as Crypto | undefined;
  const id = c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  return `${prefix}-${id}`.slice(0, 64);
}
