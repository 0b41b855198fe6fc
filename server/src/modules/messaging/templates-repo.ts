import type { TemplateParam, ZnsTemplateInput } from "@mc/shared";
import type { Db } from "../../db/client";
import { znsTemplates } from "../../db/schema";

export type ZnsTemplate = { id: string; name: string; tag: number; uid: boolean; params: TemplateParam[]; createdAt: number };

/** The only writer of `zns_templates`: the templates the admin registered, to validate before queueing. */
export function createTemplatesRepo(db: Db) {
  const row = db.$client.prepare("select * from zns_templates where id = ?");
  const toTemplate = (t: Record<string, any>): ZnsTemplate => ({
    id: t.id,
    name: t.name,
    tag: t.tag,
    uid: !!t.uid,
    params: JSON.parse(t.params),
    createdAt: t.created_at,
  });
  return {
    get(id: string): ZnsTemplate | undefined {
      const t = row.get(id) as Record<string, any> | undefined;
      return t ? toTemplate(t) : undefined;
    },
    list: () =>
      db
        .select()
        .from(znsTemplates)
        .all()
        .map((t) => ({ ...t, params: JSON.parse(t.params) as TemplateParam[] })),
    upsert(t: ZnsTemplateInput, at: number) {
      const params = JSON.stringify(t.params);
      db.insert(znsTemplates)
        .values({ id: t.id, name: t.name, tag: t.tag, params, uid: t.uid, createdAt: at })
        .onConflictDoUpdate({ target: znsTemplates.id, set: { name: t.name, tag: t.tag, params, uid: t.uid } })
        .run();
    },
  };
}

export type TemplatesRepo = ReturnType<typeof createTemplatesRepo>;
