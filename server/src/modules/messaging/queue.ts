import { ErrorCode, validateTemplateData } from "@mc/shared";
import type { Awaitable } from "../../db/store";
import { AppError } from "../../errors";
import type { MessagingRepo, NewMessage } from "./repo";

/**
 * Why a registered template cannot go out now, as a stable code (also the outbox reason), or null: switched
 * off in the console, or not ENABLE at Zalo when last read (Zalo would refuse it with -131 / -146).
 */
export function templateBlocker(t: { disabled: boolean; zaloStatus: string }): "TEMPLATE_DISABLED" | "TEMPLATE_NOT_APPROVED" | null {
  if (t.disabled) return "TEMPLATE_DISABLED";
  return t.zaloStatus === "ENABLE" ? null : "TEMPLATE_NOT_APPROVED";
}

export type MessageContent = { text?: string | null; template?: { id: string; data: Record<string, string> } | null };

/** One way in: every module queues through here, inside its own transaction. */
export function createQueue(deps: { repo: Pick<MessagingRepo, "template" | "queue">; now: () => number }) {
  const { repo, now } = deps;

  /** Validates template params (NFC lengths) before queueing; bad data is a 400, never a failed send later. */
  function checkContent<C extends MessageContent>(content: C): C {
    if (!content.template) return content;
    const t = repo.template(content.template.id);
    if (!t) throw new AppError(ErrorCode.TEMPLATE_NOT_FOUND, `ZNS template ${content.template.id} is not registered`);
    const blocked = templateBlocker(t);
    if (blocked)
      throw new AppError(
        ErrorCode[blocked],
        blocked === "TEMPLATE_DISABLED" ? `ZNS template ${t.id} is switched off` : `ZNS template ${t.id} is ${t.zaloStatus} at Zalo`,
        {
          templateId: t.id,
          zaloStatus: t.zaloStatus,
        },
      );
    const { data, problems } = validateTemplateData(t.params, content.template.data);
    if (problems.length) throw new AppError(ErrorCode.TEMPLATE_DATA_INVALID, problems.map((p) => p.message).join("; "), { problems });
    return { ...content, template: { id: t.id, data } };
  }

  /**
   * Queues one message inside the caller's transaction: a step (`yield* q(queue(m))` in a body). On PostgreSQL
   * the row's insert NOTIFYs the dispatchers at commit. A template's check reads the templates repo (SQLite's still).
   */
  function queue(m: NewMessage): Awaitable<boolean> {
    const checked = checkContent(m);
    return repo.queue({ ...m, ...checked }, now());
  }

  return { checkContent, queue };
}
