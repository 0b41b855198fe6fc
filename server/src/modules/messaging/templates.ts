import { randomUUID } from "node:crypto";
import { ErrorCode, zaloErrorText, type ZnsTemplateInput } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { MessageContent } from "./queue";
import type { MessagingRepo } from "./repo";

/** ZNS templates: registration, the quota, and the admin's test send. */
export function createTemplates(deps: {
  db: Db;
  repo: Pick<MessagingRepo, "templates">;
  zalo: Pick<ZaloClient, "getZnsQuota" | "sendZns">;
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

  /** A test send to one phone, straight away (admin only): shows Zalo's answer in words. */
  async function testSend(actor: Principal, p: { phone: string; templateId: string; data: Record<string, string> }) {
    const checked = deps.checkContent({ template: { id: p.templateId, data: p.data } });
    audit(db, { actor: actorOf(actor), action: "zns.test_send", targetId: p.templateId, details: { phone: `${p.phone.slice(0, 4)}…` }, at: now() });
    try {
      const r = await deps.zalo.sendZns({ phone: p.phone, templateId: p.templateId, data: checked.template!.data, trackingId: `test-${randomUUID().slice(0, 8)}` });
      return { ok: true, msgId: r.msgId, quota: r.quota, error: null };
    } catch (err) {
      if (err instanceof ZaloError) return { ok: false, msgId: null, quota: null, error: { code: err.zaloCode, reason: zaloErrorText(err.zaloCode) ?? err.message } };
      throw err;
    }
  }

  return { registerTemplate, templates, quota, testSend };
}
