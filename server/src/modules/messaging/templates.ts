import { ErrorCode, zaloErrorText, type ZnsTemplateInput } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { ZaloClient } from "../../zalo/client";
import type { MessageContent } from "./queue";
import type { MessagingRepo } from "./repo";

const SENT = ["sent", "delivered", "seen"];
/** A test send still not sent after this is dropped (e.g. the dispatcher was stopped): a stale test is noise. */
const TEST_SEND_EXPIRES_MS = 10 * 60_000;

/** ZNS templates: registration, the quota, and the admin's test send. */
export function createTemplates(deps: {
  db: Db;
  repo: Pick<MessagingRepo, "templates" | "outbox">;
  zalo: Pick<ZaloClient, "getZnsQuota">;
  checkContent: <C extends MessageContent>(content: C) => C;
  now: () => number;
}) {
  const { db, repo, now } = deps;

  function registerTemplate(actor: Principal, t: ZnsTemplateInput) {
    tx(db, () => {
      repo.templates.upsert(t, now());
      audit(db, { actor: actorOf(actor), action: "zns_template.register", targetId: t.id, at: now() });
    });
    return repo.templates.get(t.id)!;
  }

  const templates = () => repo.templates.list().map((t) => ({ ...t, createdAt: new Date(t.createdAt).toISOString() }));

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
      const id = repo.outbox.queueTestSend(
        { phone: p.phone, template: checked.template, development: !!p.development, expiresAt: t + TEST_SEND_EXPIRES_MS },
        t,
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
    const r = repo.outbox.testSend(id);
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

  return { registerTemplate, templates, quota, testSend, testSendView };
}
