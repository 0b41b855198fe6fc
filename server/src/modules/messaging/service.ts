import { syncStep } from "../../db/store";
import type { Db } from "../../db/client";
import type { SliceOptions } from "../../db/chunked";
import type { ZaloClient } from "../../zalo/client";
import type { LoyaltyRepoSync } from "../loyalty/repo";
import { createBroadcasts } from "./broadcasts";
import { createCustomerWrites } from "./customer-writes";
import type { CustomerRepoSync } from "../customers/repo";
import { createFloor } from "./floor";
import { createPrefs } from "./prefs";
import { createQueue } from "./queue";
import { createReceipts } from "./receipts";
import type { MessagingRepo, NewMessage } from "./repo";
import { createRules } from "./rules";
import { createTemplates } from "./templates";
import { createWarming } from "./warming";
import type { SegmentServiceSync } from "../segments/service";
import { actorOf, audit } from "../../lib/audit";
import type { Principal } from "../../http/auth";
import { tx } from "../../db/client";

/**
 * The messaging module's one face to the app: each concern lives in its own file (queue, receipts, rules,
 * templates, prefs, broadcasts, floor) with its SQL in the repos; this only wires them together.
 */
export function createMessagingService(deps: {
  db: Db;
  repo: MessagingRepo;
  loyaltyRepo: Pick<LoyaltyRepoSync, "currentRules">;
  zalo: Pick<ZaloClient, "getZnsQuota" | "getZnsTemplate">;
  /** The people's rows messaging writes to (fatigue, preferences), owned by the customers module. */
  customers: Pick<CustomerRepoSync, "setFatigueUntil" | "setPrefs">;
  now: () => number;
  /** How broadcast previews and plans are sliced (default: sized to a few ms per slice). */
  slices?: SliceOptions;
  /** Saved segments a broadcast audience may name (`audience.segmentId`). */
  segments?: Pick<SegmentServiceSync, "snapshot" | "compile">;
}) {
  const { db, repo, now } = deps;
  const customerWrites = createCustomerWrites(deps.customers, now);
  const queue = createQueue({ repo, now });
  const broadcasts = createBroadcasts({
    db,
    repo,
    loyaltyRepo: deps.loyaltyRepo,
    checkContent: queue.checkContent,
    now,
    slices: deps.slices,
    segments: deps.segments,
  });
  const receipts = createReceipts({ repo, customerWrites, checkBreaker: broadcasts.checkBreaker, now });
  const rules = createRules({ db, repo, now });
  const templates = createTemplates({ db, repo, zalo: deps.zalo, checkContent: queue.checkContent, now });
  const prefs = createPrefs({ repo, customerWrites, now });
  const floor = createFloor({ db, repo, now, slices: deps.slices });
  const warming = createWarming({ repo, zalo: deps.zalo, now });

  return {
    /** Queues a message: for the modules not on the Store yet (synchronous SQLite callers; throws on PostgreSQL). */
    queue: (m: NewMessage) => syncStep(queue.queue(m)),
    /** Queues a message as a step of the caller's body (`yield* q(queueStep(m))`), on either database. */
    queueStep: queue.queue,
    checkContent: queue.checkContent,
    applyReceipt: receipts.applyReceipt,
    onUnfollow: receipts.onUnfollow,
    rules: rules.rules,
    setRules: rules.setRules,
    ruleHistory: rules.ruleHistory,
    whatIf: rules.whatIf,
    registerTemplate: templates.registerTemplate,
    templates: templates.templates,
    importTemplate: templates.importTemplate,
    updateTemplate: templates.updateTemplate,
    quota: templates.quota,
    testSend: templates.testSend,
    testSendView: templates.testSendView,
    onTemplateStatus: templates.onTemplateStatus,
    onQuotaChange: templates.onQuotaChange,
    prefsView: prefs.prefsView,
    setPrefs: prefs.setPrefs,
    createBroadcast: broadcasts.createBroadcast,
    preview: broadcasts.preview,
    start: broadcasts.start,
    resumePlans: broadcasts.resumePlans,
    setState: broadcasts.setState,
    broadcastView: broadcasts.broadcastView,
    broadcastViewSliced: broadcasts.broadcastViewSliced,
    listBroadcasts: broadcasts.listBroadcasts,
    proposeFloor: floor.proposeFloor,
    /** A person's warming state: what may reach them now, and when the next promotion may go. */
    warmingState: warming.warmingState,
    /** Messages Zalo made wait (balance, a template's daily limit, night hours): counts and the next automatic try. */
    heldWaits: () => ({
      waits: syncStep(repo.outbox.heldWaits()).map((w) => ({
        reason: w.reason,
        count: w.n,
        nextTryAt: w.next === null ? null : new Date(w.next).toISOString(),
      })),
    }),
    /** The admin topped the Zalo Cloud Account up: what its balance held goes now rather than at the next recheck. */
    resumeBalanceHeld(actor: Principal) {
      const at = now();
      return tx(db, () => {
        const resumed = syncStep(repo.outbox.resumeHeld({ reason: "ZCA_BALANCE", t: at }));
        audit(db, { actor: actorOf(actor), action: "messaging.resume_balance_held", details: { resumed }, at });
        return { resumed };
      });
    },
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
