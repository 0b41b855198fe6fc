import { syncStep } from "../../db/store";
import {
  ErrorCode,
  ZnsTemplateStatus,
  zaloErrorText,
  type TemplateParam,
  type ZnsTemplateImport,
  type ZnsTemplateInput,
  type ZnsTemplatePatch,
  type ZnsTemplateView,
} from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, SYSTEM } from "../../lib/audit";
import type { ZaloClient, ZnsTemplateDetail } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import { templateBlocker, type MessageContent } from "./queue";
import type { MessagingRepo } from "./repo";
import type { ZnsTemplate } from "./templates-repo";

const SENT = ["sent", "delivered", "seen"];
/** A test send still not sent after this is dropped (e.g. the dispatcher was stopped): a stale test is noise. */
const TEST_SEND_EXPIRES_MS = 10 * 60_000;

/** ZNS templates: registration, the quota, and the admin's test send. */
export function createTemplates(deps: {
  db: Db;
  repo: Pick<MessagingRepo, "templates" | "outbox">;
  zalo: Pick<ZaloClient, "getZnsQuota" | "getZnsTemplate">;
  checkContent: <C extends MessageContent>(content: C) => C;
  now: () => number;
}) {
  const { db, repo, now } = deps;

  function registerTemplate(actor: Principal, t: ZnsTemplateInput) {
    tx(db, () => {
      repo.templates.upsert(t, now());
      audit(db, { actor: actorOf(actor), action: "zns_template.register", targetId: t.id, at: now() });
    });
    return toView(repo.templates.get(t.id)!);
  }

  const templates = () => repo.templates.list().map(toView);

  /**
   * Reads the template's detail from Zalo and stores its params, tag, status and price (a second import of
   * the same id refreshes them; the label and the on/off switch stay unless given). Zalo is asked before the
   * transaction, so the write is short.
   */
  async function importTemplate(actor: Principal, input: ZnsTemplateImport): Promise<ZnsTemplateView> {
    let d: ZnsTemplateDetail;
    try {
      d = await deps.zalo.getZnsTemplate(input.templateId);
    } catch (err) {
      if (err instanceof ZaloError && NOT_AT_ZALO.has(err.zaloCode))
        throw new AppError(ErrorCode.TEMPLATE_NOT_AT_ZALO, `Zalo has no template ${input.templateId} for this OA`, { zaloCode: err.zaloCode });
      const zaloCode = err instanceof ZaloError ? err.zaloCode : null;
      throw new AppError(ErrorCode.ZALO_UNAVAILABLE, `Could not read the template from Zalo: ${(err as Error).message}`, { zaloCode });
    }
    // Zalo's tag when it can be read; else the admin's pick, else the one already stored.
    const tag = tagOf(d.templateTag) ?? input.tag ?? (repo.templates.get(input.templateId)?.tag as 1 | 2 | 3 | undefined);
    if (!tag) throw new AppError(ErrorCode.TEMPLATE_TAG_UNKNOWN, `Zalo's tag ${JSON.stringify(d.templateTag)} is not one this build reads: pick the tag`);
    const status = ZnsTemplateStatus.safeParse(d.status);
    if (!status.success) throw new AppError(ErrorCode.ZALO_UNAVAILABLE, `Zalo answered an unknown template status ${d.status}`);
    const params = d.params.filter((p) => /^[a-zA-Z0-9_]+$/.test(p.name)).map(paramOf);
    const at = now();
    tx(db, () => {
      const before = repo.templates.get(input.templateId);
      repo.templates.saveImported(
        {
          id: input.templateId,
          name: input.label ?? before?.name ?? (d.templateName.trim().slice(0, 120) || input.templateId),
          zaloName: d.templateName || null,
          tag,
          uid: input.uid,
          params,
          zaloStatus: status.data,
          priceVnd: d.price,
        },
        at,
      );
      audit(db, { actor: actorOf(actor), action: "zns_template.import", targetId: input.templateId, details: { status: status.data, tag }, at });
    });
    return toView(repo.templates.get(input.templateId)!);
  }

  /** The shop's label, or switched off / on here. */
  function updateTemplate(actor: Principal, id: string, p: ZnsTemplatePatch): ZnsTemplateView {
    const at = now();
    tx(db, () => {
      const set = { ...(p.label !== undefined ? { name: p.label } : {}), ...(p.disabled !== undefined ? { disabled: p.disabled } : {}) };
      if (!repo.templates.patch(id, set)) throw new AppError(ErrorCode.TEMPLATE_NOT_FOUND, `ZNS template ${id} is not registered`);
      const action = p.disabled === true ? "zns_template.disable" : p.disabled === false ? "zns_template.enable" : "zns_template.update";
      audit(db, { actor: actorOf(actor), action, targetId: id, details: set, at });
    });
    return toView(repo.templates.get(id)!);
  }

  async function quota() {
    try {
      return await deps.zalo.getZnsQuota();
    } catch (err) {
      throw new AppError(ErrorCode.ZALO_UNAVAILABLE, `Could not read the quota: ${(err as Error).message}`);
    }
  }

  /**
   * A test send to one phone (admin only): a row of the outbox like every other message, sent by the
   * dispatcher and settled by its receipt. The answer is the row's id and state; `testSendView` polls it.
   */
  function testSend(actor: Principal, p: { phone: string; templateId: string; data: Record<string, string>; development?: boolean }) {
    const checked = deps.checkContent({ template: { id: p.templateId, data: p.data } });
    const t = now();
    const id = tx(db, () => {
      const id = syncStep(
        repo.outbox.queueTestSend({ phone: p.phone, template: checked.template, development: !!p.development, expiresAt: t + TEST_SEND_EXPIRES_MS }, t),
      );
      audit(db, {
        actor: actorOf(actor),
        action: "zns.test_send",
        targetId: p.templateId,
        details: { phone: `${p.phone.slice(0, 4)}…`, outboxId: id, development: !!p.development },
        at: t,
      });
      return id;
    });
    return testSendView(id);
  }

  /** Where a test send is: `done` once it has Zalo's answer (sent, or refused with its reason in words). */
  function testSendView(id: number) {
    const r = syncStep(repo.outbox.testSend(id));
    if (!r) throw new AppError(ErrorCode.NOT_FOUND, "Test send not found");
    const ok = SENT.includes(r.state) ? true : r.state === "queued" || r.state === "ready" || r.state === "sending" || r.state === "held" ? null : false;
    return {
      id: r.id,
      state: r.state,
      done: ok !== null,
      ok,
      msgId: r.zalo_msg_id,
      error: ok === false ? { code: r.zalo_error, reason: zaloErrorText(r.zalo_error) ?? r.reason ?? r.state } : null,
    };
  }

  /**
   * Zalo's system events (§7.7), inside the webhook event's transaction. A template's new review status is
   * stored as Zalo says it (a DISABLE/REJECT stops its sends at queueing and at send time); a status this
   * build does not read is left alone. The numbers of `/template/all` (1 Enable … 4 Disable) are read too:
   * the webhook's literals are [INFERRED].
   */
  function onTemplateStatus(p: { templateId: string; status: unknown; reason: string | null; at: number }) {
    const raw = String(p.status ?? "").toUpperCase();
    const status = ZnsTemplateStatus.safeParse(STATUS_BY_NUMBER[raw] ?? raw.replace(/ /g, "_"));
    if (!status.success) return { applied: false };
    const applied = repo.templates.setZaloStatus(p.templateId, status.data, p.at);
    if (applied)
      audit(db, { actor: SYSTEM, action: "zns_template.zalo_status", targetId: p.templateId, details: { status: status.data, reason: p.reason }, at: p.at });
    return { applied };
  }

  /** Zalo changed the OA's daily ZNS quota; a raise releases what waited for tomorrow's quota. */
  function onQuotaChange(p: { prev: number | null; next: number | null; at: number }) {
    const raised = p.next !== null && (p.prev === null || p.next > p.prev);
    const released = raised ? syncStep(repo.outbox.releaseQuotaHeld(p.at)) : 0;
    audit(db, { actor: SYSTEM, action: "zns.quota_change", details: { prev: p.prev, next: p.next, released }, at: p.at });
    return { released };
  }

  return { registerTemplate, templates, importTemplate, updateTemplate, quota, testSend, testSendView, onTemplateStatus, onQuotaChange };
}

/** `/template/all`'s numeric statuses (§7.3). */
const STATUS_BY_NUMBER: Record<string, string> = { "1": "ENABLE", "2": "PENDING_REVIEW", "3": "REJECT", "4": "DISABLE" };

/** Zalo's "template ID invalid" and "no permission for this template" (§7.5): not this OA's template. */
const NOT_AT_ZALO = new Set([-109, -117]);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toView(t: ZnsTemplate): ZnsTemplateView {
  return {
    id: t.id,
    name: t.name,
    zaloName: t.zaloName,
    tag: t.tag,
    uid: t.uid,
    params: t.params,
    zaloStatus: t.zaloStatus,
    disabled: t.disabled,
    usable: templateBlocker(t) === null,
    priceVnd: t.priceVnd,
    syncedAt: iso(t.syncedAt),
    createdAt: iso(t.createdAt)!,
  };
}

/**
 * The tag (1 transaction, 2 customer care, 3 promotion) from Zalo's `templateTag`. Its literals are not
 * documented (zalo-platform.md §7.3), so a number, a digit string or a name that says the tag is read, and
 * anything else is null (the admin picks the tag).
 */
export function tagOf(raw: unknown): 1 | 2 | 3 | null {
  const s = String(raw ?? "")
    .trim()
    .toUpperCase();
  if (s === "1" || s === "2" || s === "3") return Number(s) as 1 | 2 | 3;
  if (/^(TRANSACTION|OTP|IN_TRANSACTION|POST_TRANSACTION)$/.test(s)) return 1;
  if (/^(CUSTOMER_CARE|CARE|ACCOUNT_UPDATE|GENERAL_UPDATE|FOLLOW_UP)$/.test(s)) return 2;
  if (/^PROMOTION$/.test(s)) return 3;
  return null;
}

/** Zalo's param types are names or the §7.4 numbers; ours are the few the checks tell apart. */
const TYPE_OF: Record<string, TemplateParam["type"]> = { "2": "PHONE", "4": "CODE", "11": "DATE", "12": "CODE", "13": "URL", "14": "NUMBER" };
const OUR_TYPES = new Set<string>(["STRING", "NUMBER", "DATE", "PHONE", "EMAIL", "URL", "TRANSACTION", "CODE"]);

function paramOf(p: ZnsTemplateDetail["params"][number]): TemplateParam {
  const raw = p.type.toUpperCase();
  const type = OUR_TYPES.has(raw) ? (raw as TemplateParam["type"]) : (TYPE_OF[raw] ?? "STRING");
  return { name: p.name, type, maxLength: Math.min(2000, Math.max(1, Math.floor(p.maxLength) || 200)), require: p.require };
}
