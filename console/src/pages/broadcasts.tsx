import { useState } from "react";
import { Plus, Send } from "lucide-react";
import type { Audience, BroadcastInput, LoyaltyRules } from "@mc/shared";
import { api } from "../api";
import { go, hashQuery, replaceHashQuery } from "../routing";
import { CATEGORY_LABEL, STATE_LABEL, TAG_LABEL, notSentOf } from "../labels";
import type { BroadcastView, Store, ZnsTemplate } from "../types";
import { Badge, Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import { SegmentAudience } from "../components/segment-audience";
import { fmtDateTime, fmtNumber } from "@mc/web/format";

export const stateTone = (s: string) =>
  s === "running" || s === "scheduled" ? "info" : s === "done" ? "ok" : s === "tripped" ? "bad" : s === "paused" ? "warn" : "muted";

/** The form's names for the body's fields: a refused create names them as the form does. */
const BROADCAST_FIELDS: Record<string, string> = {
  name: "Tên chiến dịch",
  category: "Loại tin",
  content: "Nội dung",
  "content.text": "Nội dung tin tư vấn",
  "content.imageUrl": "Ảnh kèm tin",
  "content.template": "Mẫu ZNS",
  "content.template.id": "Mẫu ZNS",
  "content.template.data": "Tham số mẫu ZNS",
  "content.template.data.*": "Tham số mẫu ZNS",
  audience: "Người nhận",
  "audience.followersOnly": "Chỉ người đang quan tâm OA",
  "audience.segmentId": "Phân khúc",
  "audience.tiers": "Hạng thành viên",
  "audience.tiers.*": "Hạng thành viên",
  "audience.storeIds": "Cửa hàng đã ghé",
  "audience.storeIds.*": "Cửa hàng đã ghé",
  "audience.pointsMin": "Điểm từ",
  "audience.pointsMax": "Điểm đến",
  "audience.lastVisitMinDays": "Lần ghé cuối, ít nhất (ngày)",
  "audience.lastVisitMaxDays": "Lần ghé cuối, nhiều nhất (ngày)",
  "audience.lastOrderMinDays": "Đơn hoàn tất cuối, ít nhất (ngày)",
  "audience.lastOrderMaxDays": "Đơn hoàn tất cuối, nhiều nhất (ngày)",
  "audience.gamePlayers": "Chỉ người đã chơi trò chơi",
  "audience.tags": "Nhãn khách hàng",
  "audience.tags.*": "Nhãn khách hàng",
  scheduledAt: "Gửi lúc",
  expiresAt: "Hết hạn lúc",
  breakerRate: "Ngưỡng bỏ quan tâm",
  breakerMinSent: "Số tin tối thiểu trước khi ngắt",
};

export function BroadcastsPage() {
  const list = useLoad(() => api.get<{ broadcasts: BroadcastView[] }>("/api/admin/broadcasts"));
  // #/broadcasts?segment=<id> (a segment's «Gửi chiến dịch») opens the form with that segment chosen.
  const [presetSegment] = useState(() => hashQuery().get("segment") ?? "");
  const [composing, setComposing] = useState(presetSegment !== "");
  return (
    <div className="c-page" data-testid="broadcasts-page">
      <div className="c-page-head">
        <div>
          <h1>Chiến dịch gửi tin</h1>
          <p className="c-muted">Gửi tin cho một nhóm khách; mỗi người vẫn qua đủ quy tắc chăm sóc. Xem trước, rồi bắt đầu và theo dõi tiến độ.</p>
        </div>
        {!composing && (
          <button className="c-btn c-btn-primary" onClick={() => setComposing(true)} data-testid="broadcast-new">
            <Plus size={16} /> Tạo chiến dịch
          </button>
        )}
      </div>
      {composing && (
        <Compose
          segmentId={presetSegment}
          onCancel={() => {
            setComposing(false);
            replaceHashQuery(new URLSearchParams());
          }}
        />
      )}
      <Card title="Tất cả chiến dịch">
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.broadcasts.length ? (
          <p className="c-empty">Chưa có chiến dịch nào.</p>
        ) : (
          <table className="c-table c-table-click c-table-cards" data-testid="broadcast-list">
            <thead>
              <tr>
                <th>Tên</th>
                <th>Loại</th>
                <th>Trạng thái</th>
                <th className="c-num-col">Người nhận</th>
                <th className="c-num-col">Đã gửi</th>
                <th className="c-num-col">Chờ / giữ</th>
                <th className="c-num-col">Không gửi / lỗi</th>
                <th>Bắt đầu</th>
              </tr>
            </thead>
            <tbody>
              {list.data.broadcasts.map((b) => (
                <tr key={b.id} onClick={() => go(`broadcasts/${b.id}`)}>
                  <td className="c-td-main">
                    <a href={`#/broadcasts/${b.id}`}>{b.name}</a>
                  </td>
                  <td data-label="Loại">{CATEGORY_LABEL[b.category]}</td>
                  <td data-label="Trạng thái">
                    <Badge tone={stateTone(b.state)}>{STATE_LABEL[b.state] ?? b.state}</Badge>
                  </td>
                  <td className="c-num-col" data-label="Người nhận">
                    {fmtNumber(b.recipients)}
                  </td>
                  <td className="c-num-col" data-label="Đã gửi">
                    {fmtNumber(b.counts.sent)}
                  </td>
                  <td className="c-num-col" data-label="Chờ / giữ">
                    {fmtNumber(b.counts.queued + b.counts.sending + b.counts.held)}
                  </td>
                  <td className="c-num-col" data-label="Không gửi / lỗi">
                    {fmtNumber(notSentOf(b.counts))}
                  </td>
                  <td data-label="Bắt đầu">{fmtDateTime(b.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : null);
/** Now as a datetime-local value (the browser's time zone), the earliest a schedule may be. */
const localNow = () => {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

function Compose({ onCancel, segmentId: preset }: { onCancel: () => void; segmentId: string }) {
  const deps = useLoad(async () => {
    const [t, s, l] = await Promise.all([
      api.get<{ templates: ZnsTemplate[] }>("/api/admin/zns/templates"),
      api.get<{ stores: Store[] }>("/api/admin/stores"),
      api.get<{ rules: LoyaltyRules }>("/api/admin/loyalty/rules").catch(() => null),
    ]);
    return { templates: t.templates, stores: s.stores, tiers: l?.rules.tiers ?? [] };
  });
  const [name, setName] = useState("");
  const [category, setCategory] = useState<"care" | "promotion">("care");
  const [text, setText] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [data, setData] = useState<Record<string, string>>({});
  const [aud, setAud] = useState<Audience>({ followersOnly: true });
  // Who receives it: the inline filters below, or a saved segment (the server takes one or the other).
  const [bySegment, setBySegment] = useState(preset !== "");
  const [segmentId, setSegmentId] = useState(preset);
  const [scheduledAt, setScheduledAt] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const [breakerPct, setBreakerPct] = useState<number | null>(2);
  const [breakerMinSent, setBreakerMinSent] = useState<number | null>(200);
  const create = useAction();

  const template = deps.data?.templates.find((t) => t.id === templateId);
  const toggle = (key: "tiers" | "storeIds", v: string, on: boolean) =>
    setAud((a) => {
      const cur = new Set(a[key] ?? []);
      on ? cur.add(v) : cur.delete(v);
      return { ...a, [key]: cur.size ? [...cur] : undefined };
    });
  const [imageUrl, setImageUrl] = useState("");
  const [tagsText, setTagsText] = useState("");
  const setNum = (key: "pointsMin" | "pointsMax" | "lastVisitMinDays" | "lastVisitMaxDays" | "lastOrderMinDays" | "lastOrderMaxDays", v: number | null) =>
    setAud((a) => ({ ...a, [key]: v === null ? undefined : v }));

  const problems: string[] = [];
  if (name.trim().length < 2) problems.push("Đặt tên chiến dịch (ít nhất 2 ký tự)");
  if (!text.trim() && !imageUrl.trim() && !template) problems.push("Nhập nội dung tin hoặc chọn một mẫu ZNS");
  if (imageUrl.trim() && !/^https:\/\/\S+$/.test(imageUrl.trim())) problems.push("Ảnh: dùng một địa chỉ https://");
  if (template) for (const p of template.params) if (p.require && !data[p.name]?.trim()) problems.push(`Mẫu ZNS: điền «${p.name}»`);
  if (bySegment && !segmentId) problems.push("Chọn một phân khúc đã lưu");
  // A time already past would send at once: the server refuses it too (SCHEDULE_IN_PAST).
  if (scheduledAt && new Date(scheduledAt).getTime() <= Date.now()) problems.push("Gửi lúc: chọn một thời điểm trong tương lai (hoặc để trống)");
  if (scheduledAt && expiresAt && new Date(expiresAt).getTime() <= new Date(scheduledAt).getTime()) problems.push("Hết hạn lúc: phải sau thời điểm gửi");

  const submit = async () => {
    const body: BroadcastInput = {
      name: name.trim(),
      category,
      content: {
        ...(text.trim() ? { text: text.trim() } : {}),
        ...(imageUrl.trim() ? { imageUrl: imageUrl.trim() } : {}),
        ...(template
          ? { template: { id: template.id, data: Object.fromEntries(template.params.filter((p) => data[p.name]).map((p) => [p.name, data[p.name]!])) } }
          : {}),
      },
      audience: bySegment
        ? { followersOnly: aud.followersOnly, segmentId }
        : {
            ...aud,
            ...(tagsText.trim()
              ? {
                  tags: tagsText
                    .split(",")
                    .map((t) => t.trim().toLowerCase())
                    .filter(Boolean),
                }
              : {}),
          },
      scheduledAt: toIso(scheduledAt),
      expiresAt: toIso(expiresAt),
      breakerRate: (breakerPct ?? 2) / 100,
      breakerMinSent: breakerMinSent ?? 200,
    };
    const b = await create.run(() => api.post<BroadcastView>("/api/admin/broadcasts", body));
    if (b) go(`broadcasts/${b.id}`);
  };

  return (
    <Card title="Chiến dịch mới" testId="broadcast-compose">
      {deps.loading && !deps.data ? (
        <Spinner />
      ) : (
        <>
          <ErrorBox error={deps.error} />
          <div className="c-form-grid">
            <div className="c-form-col">
              <h3>Nội dung</h3>
              <Field label="Tên chiến dịch">
                <input
                  className="c-input"
                  value={name}
                  maxLength={120}
                  onChange={(e) => setName(e.target.value)}
                  data-testid="bc-name"
                  placeholder="ví dụ: Hỏi thăm khách tháng 6"
                />
              </Field>
              <Field label="Loại tin">
                <div className="c-seg">
                  {(["care", "promotion"] as const).map((k) => (
                    <button key={k} type="button" className={category === k ? "on" : ""} onClick={() => setCategory(k)} data-testid={`bc-category-${k}`}>
                      {CATEGORY_LABEL[k]}
                    </button>
                  ))}
                </div>
              </Field>
              <Field label="Nội dung tin tư vấn (CS)" hint="Gửi miễn phí/giá rẻ cho khách trong cửa sổ 7 ngày; có thể kèm mẫu ZNS cho khách ngoài cửa sổ">
                <textarea
                  className="c-input c-textarea"
                  rows={4}
                  maxLength={2000}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  data-testid="bc-text"
                />
              </Field>
              <Field label="Ảnh kèm tin (không bắt buộc)" hint="Địa chỉ https của ảnh jpg/png; gửi cùng tin tư vấn">
                <input
                  className="c-input"
                  value={imageUrl}
                  maxLength={500}
                  placeholder="https://…"
                  onChange={(e) => setImageUrl(e.target.value)}
                  data-testid="bc-image"
                />
              </Field>
              <Field label="Mẫu ZNS (không bắt buộc)">
                <select className="c-input" value={templateId} onChange={(e) => (setTemplateId(e.target.value), setData({}))} data-testid="bc-template">
                  <option value="">— Không dùng mẫu —</option>
                  {deps.data?.templates.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.id} · {t.name} (tag {TAG_LABEL[t.tag] ?? t.tag})
                    </option>
                  ))}
                </select>
              </Field>
              {template && (
                <div className="c-subbox">
                  {template.params.map((p) => (
                    <Field
                      key={p.name}
                      label={`${p.name}${p.require ? " *" : ""}`}
                      hint={`${p.type}, tối đa ${p.maxLength} ký tự · ${[...(data[p.name] ?? "").normalize("NFC")].length}/${p.maxLength}`}
                    >
                      <input
                        className="c-input"
                        value={data[p.name] ?? ""}
                        maxLength={p.maxLength}
                        onChange={(e) => setData((d) => ({ ...d, [p.name]: e.target.value }))}
                        data-testid={`bc-param-${p.name}`}
                      />
                    </Field>
                  ))}
                </div>
              )}
            </div>
            <div className="c-form-col">
              <h3>Người nhận</h3>
              <label className="c-check">
                <input
                  type="checkbox"
                  checked={aud.followersOnly}
                  onChange={(e) => setAud((a) => ({ ...a, followersOnly: e.target.checked }))}
                  data-testid="bc-followers-only"
                />
                Chỉ người đang quan tâm OA
              </label>
              {!aud.followersOnly && <p className="c-hint">Gồm cả khách chỉ có số điện thoại (gửi ZNS, tốn quota).</p>}
              <div className="c-field">
                <span className="c-label" id="bc-audience-by">
                  Chọn người nhận theo
                </span>
                <div className="c-seg" role="group" aria-labelledby="bc-audience-by">
                  <button
                    type="button"
                    className={!bySegment ? "on" : ""}
                    aria-pressed={!bySegment}
                    onClick={() => setBySegment(false)}
                    data-testid="bc-audience-filters"
                  >
                    Điều kiện lọc
                  </button>
                  <button
                    type="button"
                    className={bySegment ? "on" : ""}
                    aria-pressed={bySegment}
                    onClick={() => setBySegment(true)}
                    data-testid="bc-audience-segment"
                  >
                    Phân khúc đã lưu
                  </button>
                </div>
              </div>
              {bySegment && <SegmentAudience segmentId={segmentId} onChange={setSegmentId} />}
              {!bySegment && (
                <>
                  {deps.data && deps.data.tiers.length > 0 && (
                    <Field label="Hạng thành viên (để trống = mọi hạng)">
                      <div className="c-chips">
                        {deps.data.tiers.map((t) => (
                          <label key={t.key} className="c-chip">
                            <input type="checkbox" checked={aud.tiers?.includes(t.key) ?? false} onChange={(e) => toggle("tiers", t.key, e.target.checked)} />{" "}
                            {t.name}
                          </label>
                        ))}
                      </div>
                    </Field>
                  )}
                  <Field label="Đã ghé cửa hàng (để trống = mọi cửa hàng)">
                    <div className="c-chips">
                      {deps.data?.stores.map((s) => (
                        <label key={s.id} className="c-chip">
                          <input type="checkbox" checked={aud.storeIds?.includes(s.id) ?? false} onChange={(e) => toggle("storeIds", s.id, e.target.checked)} />{" "}
                          {s.name}
                        </label>
                      ))}
                      {!deps.data?.stores.length && <span className="c-muted">Chưa có cửa hàng.</span>}
                    </div>
                  </Field>
                  <div className="c-row">
                    <Field label="Điểm từ">
                      <NumInput value={aud.pointsMin} min={0} allowEmpty onChange={(v) => setNum("pointsMin", v)} />
                    </Field>
                    <Field label="đến">
                      <NumInput value={aud.pointsMax} min={0} allowEmpty onChange={(v) => setNum("pointsMax", v)} />
                    </Field>
                  </div>
                  <div className="c-row">
                    <Field label="Lần ghé cuối cách đây ít nhất (ngày)">
                      <NumInput value={aud.lastVisitMinDays} min={0} max={3650} allowEmpty onChange={(v) => setNum("lastVisitMinDays", v)} />
                    </Field>
                    <Field label="nhiều nhất (ngày)">
                      <NumInput value={aud.lastVisitMaxDays} min={0} max={3650} allowEmpty onChange={(v) => setNum("lastVisitMaxDays", v)} />
                    </Field>
                  </div>
                  <div className="c-row">
                    <Field label="Đơn hoàn tất cuối cách đây ít nhất (ngày)">
                      <NumInput value={aud.lastOrderMinDays} min={0} max={3650} allowEmpty onChange={(v) => setNum("lastOrderMinDays", v)} />
                    </Field>
                    <Field label="nhiều nhất (ngày)">
                      <NumInput value={aud.lastOrderMaxDays} min={0} max={3650} allowEmpty onChange={(v) => setNum("lastOrderMaxDays", v)} />
                    </Field>
                  </div>
                  <Field label="Nhãn khách hàng (cách nhau bởi dấu phẩy; để trống = mọi người)">
                    <input
                      className="c-input"
                      value={tagsText}
                      placeholder="vip, văn-phòng"
                      onChange={(e) => setTagsText(e.target.value)}
                      data-testid="bc-tags"
                    />
                  </Field>
                  <label className="c-check">
                    <input
                      type="checkbox"
                      checked={aud.gamePlayers ?? false}
                      onChange={(e) => setAud((a) => ({ ...a, gamePlayers: e.target.checked || undefined }))}
                    />
                    Chỉ người đã chơi trò chơi
                  </label>
                </>
              )}

              <h3>Lịch và an toàn</h3>
              <div className="c-row">
                <Field label="Gửi lúc (để trống = khi bắt đầu)">
                  <input
                    className="c-input"
                    type="datetime-local"
                    min={localNow()}
                    value={scheduledAt}
                    onChange={(e) => setScheduledAt(e.target.value)}
                    data-testid="bc-scheduled-at"
                  />
                </Field>
                <Field label="Hết hạn lúc" hint="Tin bị giữ quá thời điểm này sẽ bỏ, không gửi muộn">
                  <input
                    className="c-input"
                    type="datetime-local"
                    value={expiresAt}
                    onChange={(e) => setExpiresAt(e.target.value)}
                    data-testid="bc-expires-at"
                  />
                </Field>
              </div>
              <div className="c-row">
                <Field label="Ngắt khi tỉ lệ bỏ quan tâm ≥ (%)">
                  <NumInput value={breakerPct} min={0.1} max={100} step={0.1} allowEmpty onChange={setBreakerPct} />
                </Field>
                <Field label="sau ít nhất (tin đã gửi)">
                  <NumInput value={breakerMinSent} min={10} allowEmpty onChange={setBreakerMinSent} />
                </Field>
              </div>
            </div>
          </div>
          {problems.length > 0 && (
            <ul className="c-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <ErrorBox error={create.error} testId="bc-create-error" fields={BROADCAST_FIELDS} />
          <div className="c-row c-row-end">
            <button className="c-btn" onClick={onCancel}>
              Huỷ
            </button>
            <button className="c-btn c-btn-primary" disabled={create.busy || problems.length > 0} onClick={submit} data-testid="bc-create">
              <Send size={16} /> {create.busy ? "Đang tạo…" : "Tạo và xem trước"}
            </button>
          </div>
        </>
      )}
    </Card>
  );
}
