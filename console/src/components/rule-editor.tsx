import { useState } from "react";
import { X } from "lucide-react";
import type { SegmentRule } from "@mc/shared";
import { RULE_KINDS, RULE_LABEL, type RuleKind } from "../crm-labels";
import { newRule, ruleProblem } from "../segment-draft";
import { Field, NumInput } from "../ui";

export type RuleContext = {
  tiers: { key: string; name: string }[];
  stores: { id: string; name: string }[];
  games: { id: string; name: string }[];
  tags: string[];
};

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const opt = (v: number | null) => (v === null ? undefined : v);
const toggled = <T,>(list: T[] | undefined, v: T, on: boolean) => {
  const s = new Set(list ?? []);
  if (on) s.add(v);
  else s.delete(v);
  return [...s];
};

/** One rule of a segment: its kind, its values, and what is wrong with it. */
export function RuleEditor({
  rule,
  onChange,
  onRemove,
  ctx,
  testId,
}: {
  rule: SegmentRule;
  onChange: (r: SegmentRule) => void;
  onRemove: () => void;
  ctx: RuleContext;
  testId: string;
}) {
  const problem = ruleProblem(rule);
  return (
    <div className={`c-rule${problem ? " c-rule-bad" : ""}`} data-testid={testId} data-kind={rule.kind}>
      <div className="c-rule-head">
        <label className="c-sr-only" htmlFor={`${testId}-kind`}>
          Loại điều kiện
        </label>
        <select
          id={`${testId}-kind`}
          className="c-input c-rule-kind"
          value={rule.kind}
          onChange={(e) => onChange(newRule(e.target.value as RuleKind, ctx))}
          data-testid={`${testId}-kind`}
        >
          {RULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {RULE_LABEL[k]}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="c-btn c-btn-icon"
          onClick={onRemove}
          aria-label={`Xoá điều kiện «${RULE_LABEL[rule.kind]}»`}
          data-testid={`${testId}-remove`}
        >
          <X size={16} />
        </button>
      </div>
      <div className="c-rule-body">
        <RuleFields rule={rule} onChange={onChange} ctx={ctx} testId={testId} />
      </div>
      {problem && (
        <p className="c-rule-problem" role="status" data-testid={`${testId}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

function RuleFields({ rule: r, onChange, ctx, testId }: { rule: SegmentRule; onChange: (r: SegmentRule) => void; ctx: RuleContext; testId: string }) {
  const t = (s: string) => `${testId}-${s}`;
  switch (r.kind) {
    case "tier":
      return (
        <fieldset className="c-fieldset">
          <legend className="c-label">Ở một trong các hạng</legend>
          <div className="c-chips">
            {ctx.tiers.map((x) => (
              <label key={x.key} className="c-chip">
                <input
                  type="checkbox"
                  checked={r.tiers.includes(x.key)}
                  onChange={(e) => onChange({ ...r, tiers: toggled(r.tiers, x.key, e.target.checked) })}
                />
                {x.name}
              </label>
            ))}
          </div>
        </fieldset>
      );
    case "points":
      return (
        <div className="c-row">
          <Field label="Từ (điểm)">
            <NumInput value={r.min} min={0} allowEmpty onChange={(v) => onChange({ ...r, min: opt(v) })} testId={t("min")} />
          </Field>
          <Field label="đến (điểm)">
            <NumInput value={r.max} min={0} allowEmpty onChange={(v) => onChange({ ...r, max: opt(v) })} testId={t("max")} />
          </Field>
        </div>
      );
    case "lastOrder":
    case "lastVisit":
      return (
        <>
          <div className="c-row">
            <Field label="Cách đây ít nhất (ngày)">
              <NumInput value={r.min} min={0} max={3650} allowEmpty onChange={(v) => onChange({ ...r, min: opt(v) })} testId={t("min")} />
            </Field>
            <Field label="Trong vòng (ngày)">
              <NumInput value={r.max} min={0} max={3650} allowEmpty onChange={(v) => onChange({ ...r, max: opt(v) })} testId={t("max")} />
            </Field>
          </div>
          <p className="c-hint">{r.kind === "lastOrder" ? "Người chưa từng có đơn hoàn tất" : "Người chưa từng ghé"} được tính là «đã lâu».</p>
        </>
      );
    case "orderCount":
    case "spend": {
      const unit = r.kind === "spend" ? "₫" : "đơn";
      return (
        <div className="c-row">
          <Field label="Trong (ngày gần đây)">
            <NumInput value={r.days} min={1} max={3650} onChange={(v) => onChange({ ...r, days: v ?? 0 })} testId={t("days")} />
          </Field>
          <Field label={`Từ (${unit})`}>
            <NumInput
              value={r.min}
              min={0}
              step={r.kind === "spend" ? 10_000 : 1}
              allowEmpty
              onChange={(v) => onChange({ ...r, min: opt(v) })}
              testId={t("min")}
            />
          </Field>
          <Field label={`đến (${unit})`}>
            <NumInput
              value={r.max}
              min={0}
              step={r.kind === "spend" ? 10_000 : 1}
              allowEmpty
              onChange={(v) => onChange({ ...r, max: opt(v) })}
              testId={t("max")}
            />
          </Field>
        </div>
      );
    }
    case "visitedStore":
    case "playedGame": {
      const items = r.kind === "visitedStore" ? ctx.stores : ctx.games;
      const chosen = r.kind === "visitedStore" ? r.storeIds : (r.campaignIds ?? []);
      const set = (ids: string[]) => onChange(r.kind === "visitedStore" ? { ...r, storeIds: ids } : { ...r, campaignIds: ids.length ? ids : undefined });
      return (
        <>
          <fieldset className="c-fieldset">
            <legend className="c-label">{r.kind === "visitedStore" ? "Một trong các cửa hàng" : "Trò chơi (để trống = bất kỳ trò chơi nào)"}</legend>
            <div className="c-chips">
              {items.map((x) => (
                <label key={x.id} className="c-chip">
                  <input type="checkbox" checked={chosen.includes(x.id)} onChange={(e) => set(toggled(chosen, x.id, e.target.checked))} />
                  {x.name}
                </label>
              ))}
              {!items.length && <span className="c-muted">{r.kind === "visitedStore" ? "Chưa có cửa hàng." : "Chưa có trò chơi."}</span>}
            </div>
          </fieldset>
          <Field label="Trong (ngày gần đây; để trống = bất cứ lúc nào)">
            <NumInput value={r.days} min={1} max={3650} allowEmpty onChange={(v) => onChange({ ...r, days: opt(v) })} testId={t("days")} />
          </Field>
        </>
      );
    }
    case "follower":
      return (
        <Field label="Trạng thái">
          <select
            className="c-input c-w-auto"
            value={r.follows ? "yes" : "no"}
            onChange={(e) => onChange({ ...r, follows: e.target.value === "yes" })}
            data-testid={t("follows")}
          >
            <option value="yes">Đang quan tâm OA</option>
            <option value="no">Không quan tâm OA</option>
          </select>
        </Field>
      );
    case "unfollowed":
      return (
        <Field label="Trong (ngày gần đây)" hint="Tính cả người đã quan tâm lại sau đó">
          <NumInput value={r.days} min={1} max={3650} onChange={(v) => onChange({ ...r, days: v ?? 0 })} testId={t("days")} />
        </Field>
      );
    case "tags":
      return <TagsRule rule={r} onChange={onChange} known={ctx.tags} testId={testId} />;
    case "birthdayMonth":
      return (
        <>
          <fieldset className="c-fieldset">
            <legend className="c-label">Sinh vào tháng</legend>
            <div className="c-chips">
              {MONTHS.map((m) => (
                <label key={m} className="c-chip">
                  <input
                    type="checkbox"
                    checked={r.months?.includes(m) ?? false}
                    onChange={(e) => {
                      const months = toggled(r.months, m, e.target.checked).sort((a, b) => a - b);
                      onChange({ ...r, months: months.length ? months : undefined });
                    }}
                  />
                  T{m}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="c-check">
            <input
              type="checkbox"
              checked={r.thisMonth ?? false}
              onChange={(e) => onChange({ ...r, thisMonth: e.target.checked || undefined })}
              data-testid={t("this-month")}
            />
            Tháng hiện tại (theo giờ cửa hàng, tự đổi mỗi tháng)
          </label>
        </>
      );
    case "csWindowOpen":
      return (
        <label className="c-check">
          <input type="checkbox" checked={r.freeOnly} onChange={(e) => onChange({ ...r, freeOnly: e.target.checked })} data-testid={t("free-only")} />
          Chỉ khi tin tư vấn còn miễn phí
        </label>
      );
    case "hasPhone":
      return <p className="c-hint">Người đã chia sẻ số điện thoại (gửi được ZNS).</p>;
    case "promotionsAllowed":
      return <p className="c-hint">Không có gì ở chính người này chặn tin khuyến mãi lúc này: đồng ý nhận, tự tắt, tạm dừng, giới hạn mỗi tuần, mệt mỏi.</p>;
  }
}

function TagsRule({
  rule: r,
  onChange,
  known,
  testId,
}: {
  rule: Extract<SegmentRule, { kind: "tags" }>;
  onChange: (r: SegmentRule) => void;
  known: string[];
  testId: string;
}) {
  const [text, setText] = useState("");
  const add = () => {
    const tag = text.trim().toLowerCase().replace(/\s+/g, "-");
    if (tag && !r.tags.includes(tag)) onChange({ ...r, tags: [...r.tags, tag] });
    setText("");
  };
  return (
    <>
      <div className="c-chips">
        {r.tags.map((tag) => (
          <span key={tag} className="c-chip c-chip-tag">
            {tag}
            <button type="button" className="c-chip-x" aria-label={`Bỏ nhãn ${tag}`} onClick={() => onChange({ ...r, tags: r.tags.filter((x) => x !== tag) })}>
              <X size={12} />
            </button>
          </span>
        ))}
      </div>
      <div className="c-row">
        <Field label="Thêm nhãn">
          <input
            className="c-input"
            value={text}
            list={`${testId}-known`}
            maxLength={40}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
            data-testid={`${testId}-tag-input`}
          />
          <datalist id={`${testId}-known`}>
            {known.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </Field>
        <button type="button" className="c-btn c-field-btn" onClick={add} disabled={!text.trim()} data-testid={`${testId}-tag-add`}>
          Thêm
        </button>
        <Field label="Khớp">
          <select className="c-input c-w-auto" value={r.match} onChange={(e) => onChange({ ...r, match: e.target.value as "any" | "all" })}>
            <option value="any">Có bất kỳ nhãn nào</option>
            <option value="all">Có đủ mọi nhãn</option>
          </select>
        </Field>
      </div>
    </>
  );
}
