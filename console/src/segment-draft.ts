import type { SegmentGroup, SegmentNode, SegmentRule } from "@mc/shared";
import type { RuleKind } from "./crm-labels";

/** The segment editor's pure helpers: new rules, their problems in words, and edits of a rule tree. */

export type GroupKind = "all" | "any" | "none";
export const groupKind = (g: SegmentGroup): GroupKind => ("all" in g ? "all" : "any" in g ? "any" : "none");
export const childrenOf = (g: SegmentGroup): SegmentNode[] => ("all" in g ? g.all : "any" in g ? g.any : g.none);
export const groupOf = (kind: GroupKind, children: SegmentNode[]): SegmentGroup =>
  kind === "all" ? { all: children } : kind === "any" ? { any: children } : { none: children };
export const isGroup = (n: SegmentNode): n is SegmentGroup => !("kind" in n);

/** Groups nest three deep at most (shared/src/segments.ts): the root and two levels inside it. */
export const MAX_GROUP_DEPTH = 2;

/** A new rule of `kind`, filled so that it is valid where it can be (the live count runs at once). */
export function newRule(kind: RuleKind, ctx: { tiers: { key: string }[]; stores: { id: string }[] }): SegmentRule {
  switch (kind) {
    case "tier":
      return { kind, tiers: ctx.tiers.length ? [ctx.tiers[ctx.tiers.length > 1 ? 1 : 0]!.key] : [] };
    case "points":
      return { kind, min: 100 };
    case "lastOrder":
      return { kind, min: 30 };
    case "lastVisit":
      return { kind, max: 30 };
    case "orderCount":
      return { kind, days: 90, min: 2 };
    case "spend":
      return { kind, days: 90, min: 500_000 };
    case "visitedStore":
      return { kind, storeIds: ctx.stores.length ? [ctx.stores[0]!.id] : [] };
    case "playedGame":
      return { kind };
    case "follower":
      return { kind, follows: true };
    case "unfollowed":
      return { kind, days: 30 };
    case "tags":
      return { kind, tags: [], match: "any" };
    case "birthdayMonth":
      return { kind, thisMonth: true };
    case "csWindowOpen":
      return { kind, freeOnly: false };
    case "hasPhone":
    case "promotionsAllowed":
      return { kind };
  }
}

const bounds = (r: { min?: number; max?: number }, what: string) => {
  if (r.min === undefined && r.max === undefined) return `Nhập ${what} tối thiểu, tối đa, hoặc cả hai`;
  if (r.min !== undefined && r.max !== undefined && r.min > r.max) return "Giá trị «từ» phải nhỏ hơn hoặc bằng «đến»";
  return null;
};

/** What stops this rule from being saved, in words (the server's schema says the same in English). */
export function ruleProblem(r: SegmentRule): string | null {
  switch (r.kind) {
    case "tier":
      return r.tiers.length ? null : "Chọn ít nhất một hạng";
    case "points":
      return bounds(r, "số điểm");
    case "lastOrder":
    case "lastVisit":
      return bounds(r, "số ngày");
    case "orderCount":
      return r.days >= 1 ? bounds(r, "số đơn") : "Số ngày phải từ 1";
    case "spend":
      return r.days >= 1 ? bounds(r, "số tiền") : "Số ngày phải từ 1";
    case "visitedStore":
      return r.storeIds.length ? null : "Chọn ít nhất một cửa hàng";
    case "unfollowed":
      return r.days >= 1 ? null : "Số ngày phải từ 1";
    case "tags":
      return r.tags.length ? null : "Thêm ít nhất một nhãn";
    case "birthdayMonth":
      return (r.months?.length ?? 0) > 0 || r.thisMonth ? null : "Chọn tháng, hoặc «tháng này»";
    default:
      return null;
  }
}

/** Every problem in the tree (empty: it can be counted and saved). */
export function treeProblems(n: SegmentNode): string[] {
  if (!isGroup(n)) {
    const p = ruleProblem(n);
    return p ? [p] : [];
  }
  return childrenOf(n).flatMap(treeProblems);
}

export const countRules = (n: SegmentNode): number => (isGroup(n) ? childrenOf(n).reduce((s, c) => s + countRules(c), 0) : 1);
export const MAX_RULES = 60;
export const MAX_CHILDREN = 30;

export const EMPTY_RULES: SegmentGroup = { all: [] };
