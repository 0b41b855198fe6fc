import { z } from "zod";
import { Loyalty } from "./loyalty";

export const Role = z.enum(["customer", "staff", "admin"]);
export type Role = z.infer<typeof Role>;

/** What the mini app sends after zmp-sdk getAccessToken(): the server verifies it at Graph /v2.0/me. */
export const ZaloLoginBody = z.object({ accessToken: z.string().min(1).max(4096) }).strict();
export type ZaloLoginBody = z.infer<typeof ZaloLoginBody>;

/**
 * The phone token from getPhoneNumber() and, beside it, a Zalo access token fresh from getAccessToken(): the
 * server exchanges the one with the other (zalo-platform.md §3.2) and keeps neither.
 */
export const PhoneBody = z.object({ phoneToken: z.string().min(1).max(4096), accessToken: z.string().min(1).max(4096) }).strict();
export type PhoneBody = z.infer<typeof PhoneBody>;

export const AdminLoginBody = z.object({ email: z.string().email().max(254), password: z.string().min(1).max(256) }).strict();
export type AdminLoginBody = z.infer<typeof AdminLoginBody>;

export const SetRoleBody = z.object({ role: Role, storeIds: z.array(z.string().min(1).max(64)).max(100).optional() }).strict();
export type SetRoleBody = z.infer<typeof SetRoleBody>;

export const Customer = z.object({
  id: z.string(),
  zaloId: z.string(),
  zaloOaId: z.string().nullable(),
  name: z.string(),
  avatar: z.string().nullable(),
  /** Masked for display (84•••••4321); the full number never leaves the server in profile reads. */
  phoneMasked: z.string().nullable(),
  hasPhone: z.boolean(),
  role: Role,
  storeIds: z.array(z.string()),
  followsOa: z.boolean(),
  createdAt: z.string(),
});
export type Customer = z.infer<typeof Customer>;

/** The sign-in's answer carries the loyalty GET /api/me gives, so the home's member card needs no second round trip. */
export const LoginResult = z.object({ token: z.string(), customer: Customer, loyalty: Loyalty });
export type LoginResult = z.infer<typeof LoginResult>;

/** Vietnamese phone to Zalo's `84…` form. Returns null when it is not a plausible VN mobile number. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s.\-()]/g, "").replace(/^\+/, "");
  if (!/^\d+$/.test(digits)) return null;
  let national: string;
  if (digits.startsWith("84")) national = digits.slice(2);
  else if (digits.startsWith("0")) national = digits.slice(1);
  else national = digits; // Excel drops the leading 0
  if (national.startsWith("0")) national = national.slice(1);
  if (!/^[1-9]\d{8}$/.test(national)) return null;
  return `84${national}`;
}

/**
 * How the counter shows a member found by code: enough for staff to greet the right person ("Nguyễn Thu Hà"
 * → "N. T. Hà": Vietnamese names end with the given name), never the full name of whoever owns a code.
 */
export function counterName(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return words[0] ?? "";
  return [...words.slice(0, -1).map((w) => `${[...w][0]!.toLocaleUpperCase("vi")}.`), words.at(-1)!].join(" ");
}

export function maskPhone(phone84: string): string {
  return phone84.length <= 6 ? "••••" : `${phone84.slice(0, 2)}${"•".repeat(phone84.length - 6)}${phone84.slice(-4)}`;
}

/** A tag is a short lowercase label: letters, digits and dashes (Vietnamese letters allowed). */
export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}-]+$/u, "letters, digits and dashes only");
export const SetTagsBody = z.object({ tags: z.array(Tag).max(30) }).strict();
export type SetTagsBody = z.infer<typeof SetTagsBody>;

/** Why a person's data is erased (their request, its reference): kept in the audit log, so no personal data in it. */
export const EraseCustomerBody = z.object({ reason: z.string().trim().min(3).max(200) }).strict();
export type EraseCustomerBody = z.infer<typeof EraseCustomerBody>;
