import { eq } from "drizzle-orm";
import type { TemplateParam, ZnsTemplateInput, ZnsTemplateStatus } from "@mc/shared";
import type { Db } from "../../db/client";
import { znsTemplates } from "../../db/schema";

export type ZnsTemplate = {
  id: string;
  name: string;
  tag: number;
  uid: boolean;
  params: TemplateParam[];
  createdAt: number;
  zaloStatus: ZnsTemplateStatus;
  zaloName: string | null;
  priceVnd: number | null;
  syncedAt: number | null;
  disabled: boolean;
};

/** What Zalo said of a template (its detail, §7.3), with the shop's label for it. */
export type ImportedTemplate = Omit<ZnsTemplate, "createdAt" | "disabled" | "syncedAt">;

/** The only writer of `zns_templates`: the templates the admin registered or imported, to validate before queueing. */
export function createTemplatesRepo(db: Db) {
  const row = db.$client.prepare("select * from zns_templates where id = ?");
  const toTemplate = (t: Record<string, any>): ZnsTemplate => ({
    id: t.id,
    name: t.name,
    tag: t.tag,
    uid: !!t.uid,
    params: JSON.parse(t.params),
    createdAt: t.created_at,
    zaloStatus: t.zalo_status,
    zaloName: t.zalo_name ?? null,
    priceVnd: t.price_vnd ?? null,
    syncedAt: t.synced_at ?? null,
    disabled: !!t.disabled,
  });
  return {
    get(id: string): ZnsTemplate | undefined {
      const t = row.get(id) as Record<string, any> | undefined;
      return t ? toTemplate(t) : undefined;
    },
    list: (): ZnsTemplate[] =>
      db
        .select()
        .from(znsTemplates)
        .all()
        .map((t) => ({ ...t, params: JSON.parse(t.params) as TemplateParam[], zaloStatus: t.zaloStatus as ZnsTemplateStatus })),
    /** Registered by hand: the admin vouches it is approved; an import's Zalo facts and the on/off switch stay. */
    upsert(t: ZnsTemplateInput, at: number) {
      const params = JSON.stringify(t.params);
      db.insert(znsTemplates)
        .values({ id: t.id, name: t.name, tag: t.tag, params, uid: t.uid, createdAt: at })
        .onConflictDoUpdate({ target: znsTemplates.id, set: { name: t.name, tag: t.tag, params, uid: t.uid } })
        .run();
    },
    /** Zalo's detail, as read now (a second import refreshes it); the on/off switch stays as it was. */
    saveImported(t: ImportedTemplate, at: number) {
      const set = {
        name: t.name,
        tag: t.tag,
        params: JSON.stringify(t.params),
        uid: t.uid,
        zaloStatus: t.zaloStatus,
        zaloName: t.zaloName,
        priceVnd: t.priceVnd,
        syncedAt: at,
      };
      db.insert(znsTemplates)
        .values({ id: t.id, ...set, createdAt: at })
        .onConflictDoUpdate({ target: znsTemplates.id, set })
        .run();
    },
    /** Zalo refused it by UID (-249, §5.3): from now on it goes by ZNS only. */
    notByUid: (id: string) => db.update(znsTemplates).set({ uid: false }).where(eq(znsTemplates.id, id)).run().changes === 1,
    /** Zalo's review result (`change_template_status` webhook); false for a template not registered here. */
    setZaloStatus(id: string, status: ZnsTemplateStatus, at: number) {
      return db.update(znsTemplates).set({ zaloStatus: status, syncedAt: at }).where(eq(znsTemplates.id, id)).run().changes === 1;
    },
    patch(id: string, p: { name?: string; disabled?: boolean }) {
      return db.update(znsTemplates).set(p).where(eq(znsTemplates.id, id)).run().changes === 1;
    },
  };
}

export type TemplatesRepo = ReturnType<typeof createTemplatesRepo>;
