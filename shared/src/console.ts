import { z } from "zod";
import { LocalDay } from "./dashboard";
import { Role } from "./identity";

/**
 * The console's accounts, staff grants and audit log (issue #13). Operators are the web console's own accounts
 * (email + password), each with one role; staff are Zalo customers granted stores. Times are ISO on the wire.
 */

// ---- operators ----

/** owner: everything; marketer: CRM and campaigns; store_manager: their stores' people, counter and QR codes. */
export const OPERATOR_ROLES = ["owner", "marketer", "store_manager"] as const;
export const OperatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRole>;

const storeIds = z.array(z.string().min(1).max(64)).max(100);
/** Long enough to resist guessing behind the login backoff; the hash (scrypt) takes any characters. */
export const OperatorPassword = z.string().min(10).max(256);

export const Operator = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: OperatorRole,
  /** The stores a store manager runs (empty for the other roles: they act on every store). */
  storeIds: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
});
export type Operator = z.infer<typeof Operator>;

/** A store manager runs at least one store; the other roles take none (they see every store). */
function storesFitRole(v: { role?: OperatorRole; storeIds?: string[] }, ctx: z.RefinementCtx) {
  const n = v.storeIds?.length ?? 0;
  if (v.role === "store_manager" && n === 0)
    ctx.addIssue({
      code: "custom",
      path: ["storeIds"],
      message: "a store manager needs at least one store",
      params: { vi: "quản lý cửa hàng cần ít nhất một cửa hàng" },
    });
  if (v.role !== undefined && v.role !== "store_manager" && n > 0)
    ctx.addIssue({
      code: "custom",
      path: ["storeIds"],
      message: "only a store manager is limited to stores",
      params: { vi: "chỉ quản lý cửa hàng mới gắn với cửa hàng" },
    });
}

export const OperatorCreate = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    name: z.string().trim().min(1).max(80),
    role: OperatorRole,
    storeIds: storeIds.default([]),
    password: OperatorPassword,
  })
  .strict()
  .superRefine(storesFitRole);
export type OperatorCreate = z.infer<typeof OperatorCreate>;

export const OperatorUpdate = z
  .object({ name: z.string().trim().min(1).max(80), role: OperatorRole, storeIds: storeIds.default([]) })
  .strict()
  .superRefine(storesFitRole);
export type OperatorUpdate = z.infer<typeof OperatorUpdate>;

export const PasswordReset = z.object({ password: OperatorPassword }).strict();
export type PasswordReset = z.infer<typeof PasswordReset>;

export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(256), newPassword: OperatorPassword }).strict();
export type PasswordChange = z.infer<typeof PasswordChange>;

/** Who is signed in to the console: the login's answer and `GET /api/admin/me`. */
export const ConsoleUser = z.object({
  id: z.string(),
  /** null for an admin signed in with Zalo (not a console account; they count as an owner). */
  email: z.string().nullable(),
  name: z.string(),
  role: OperatorRole,
  storeIds: z.array(z.string()),
});
export type ConsoleUser = z.infer<typeof ConsoleUser>;

export const AdminLoginResult = z.object({ token: z.string(), admin: ConsoleUser.extend({ email: z.string() }) });
export type AdminLoginResult = z.infer<typeof AdminLoginResult>;

/** Who a console session is (GET /api/admin/me): the console checks its stored token with it, and learns the role. */
export const AdminMe = z.object({ admin: ConsoleUser });
export type AdminMe = z.infer<typeof AdminMe>;

// ---- staff grants ----

/**
 * Who to make staff: their member code (the card in the mini app), or one of the two Zalo ids the shop stores —
 * the app-scoped id (`zaloId`, the mini app's) or the OA follower id (`zaloOaId`, seen in OA chat tools).
 */
export const StaffGrantBody = z
  .object({
    memberCode: z.string().trim().min(4).max(64).optional(),
    zaloId: z.string().trim().min(1).max(64).optional(),
    zaloOaId: z.string().trim().min(1).max(64).optional(),
    storeIds: storeIds.min(1),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ([v.memberCode, v.zaloId, v.zaloOaId].filter((x) => x !== undefined).length !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["memberCode"],
        message: "give exactly one of memberCode, zaloId, zaloOaId",
        params: { vi: "nhập đúng một trong: mã thành viên, Zalo ID hoặc ID người quan tâm OA" },
      });
  });
export type StaffGrantBody = z.infer<typeof StaffGrantBody>;

/** The stores to take away; none named: every store the caller may manage. */
export const StaffRevokeBody = z.object({ storeIds: storeIds.min(1).optional() }).strict();
export type StaffRevokeBody = z.infer<typeof StaffRevokeBody>;

export const StaffMember = z.object({
  customerId: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  memberCode: z.string(),
  /** staff, or admin (a mini-app admin acts at every store; listed for owners only). */
  role: Role,
  /** Their stores (for a store manager: only those the manager runs). */
  storeIds: z.array(z.string()),
});
export type StaffMember = z.infer<typeof StaffMember>;

// ---- the audit log ----

/** `at.id` of the last entry of a page: the next page starts after it. */
export const AuditCursor = z.string().regex(/^\d{1,15}\.\d{1,15}$/);

export const AuditQuery = z
  .object({
    /** Who: an operator's id or email, a customer's id or member code, or `system`. */
    actor: z.string().trim().min(1).max(254).optional(),
    /** An action as written (`staff.grant`, `voucher.redeem`, …). */
    action: z
      .string()
      .trim()
      .regex(/^[a-z_]+(\.[a-z_]+)*$/)
      .max(64)
      .optional(),
    /** What it acted on: an id (a customer, voucher, order, game…), or a member code for its customer. */
    target: z.string().trim().min(1).max(64).optional(),
    /** Shop-local days, both included. */
    from: LocalDay.optional(),
    to: LocalDay.optional(),
    after: AuditCursor.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: "from must not be after to",
    path: ["to"],
    params: { vi: "ngày bắt đầu phải trước ngày kết thúc" },
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ kind: z.enum(["admin", "customer", "system"]), id: z.string(), name: z.string().nullable() }),
  action: z.string(),
  targetId: z.string().nullable(),
  /** The target's name when it is a person. */
  targetName: z.string().nullable(),
  storeId: z.string().nullable(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({ entries: z.array(AuditEntry), next: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
