import { CATEGORY_TAG, ErrorCode, probeMessage, WARMING_CATEGORIES, warmingState, type Category, type PolicyMessage, type Quota } from "@mc/shared";
import { AppError } from "../../errors";
import type { ZaloClient } from "../../zalo/client";
import { templateBlocker } from "./queue";
import type { MessagingRepo } from "./repo";

/** As long as the dispatcher trusts a quota it read (it reads again after a minute). */
const QUOTA_FRESH_MS = 60_000;

/**
 * A person's warming state (issue #12): decide's inputs loaded as the dispatcher loads them (`policyInputs`),
 * each category judged by the message the shop could send it: free text, plus a template of the category's
 * own tag when one is registered (by UID if one of them allows it, and by ZNS).
 */
export function createWarming(deps: { repo: Pick<MessagingRepo, "policyInputs" | "templates">; zalo: Pick<ZaloClient, "getZnsQuota">; now: () => number }) {
  const { repo, now } = deps;
  let zns: { left: number | null; at: number } | null = null;

  /** Zalo's ZNS quota, read at most once a minute; unknown (not limiting) when Zalo cannot say, as at send time. */
  async function quota(): Promise<Quota> {
    const t = now();
    if (!zns || t - zns.at >= QUOTA_FRESH_MS || t < zns.at) {
      let left: number | null = null;
      try {
        left = (await deps.zalo.getZnsQuota()).remaining;
      } catch {
        // A profile page must not fail because Zalo is slow; the dispatcher reads it again before sending.
      }
      zns = { left, at: t };
    }
    return { zns: zns.left, uid: null };
  }

  function probes(): Record<Category, PolicyMessage> {
    const templates = repo.templates.list();
    const probe = (k: Category) => {
      const own = templates.filter((t) => t.tag === CATEGORY_TAG[k] && templateBlocker(t) === null);
      return probeMessage(k, own.length ? { tag: CATEGORY_TAG[k], uid: own.some((t) => t.uid), zns: true } : null);
    };
    return Object.fromEntries(WARMING_CATEGORIES.map((k) => [k, probe(k)])) as Record<Category, PolicyMessage>;
  }

  async function warming(customerId: string) {
    const t = now();
    const inputs = repo.policyInputs(customerId, t);
    if (!inputs) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const p = probes();
    const q: Quota = Object.values(p).some((m) => m.template?.zns) ? await quota() : { zns: null, uid: null };
    return warmingState({ ...inputs, quota: q, now: t, probes: p });
  }

  return { warmingState: warming };
}
