import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { ArrowDown, ArrowLeft, ArrowUp, History, Plus, Save, Trash } from "lucide-react";
import { GameCampaignInput, oddsOf, type AdminGame, type Campaign, type GameKind, type PrizeKind } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { fmtNumber, fmtPct } from "@mc/web/format";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import { GamePreview } from "../components/game-preview";
import { StoreChecks } from "../components/store-checks";
import { go } from "../routing";
import type { Store } from "../types";
import { Badge, Card, Spinner, useAction, useLoad } from "../ui";
import { GameQrCodes } from "./game-qr";

/** One prize row of the form; `won` is what the server says was already given (0 for a new one). */
type PrizeDraft = {
  key: string;
  id?: string;
  label: string;
  kind: PrizeKind;
  voucherCampaignId: string | null;
  points: number | null;
  weight: number;
  stock: number | null;
  requiresFollow: boolean;
  won: number;
};
type Draft = {
  name: string;
  description: string;
  kind: GameKind;
  storeIds: string[];
  /** datetime-local values ("" = none), in the browser's time. */
  startsAt: string;
  endsAt: string;
  playsPerDay: number;
  playsPerCustomer: number | null;
  dailyPrizeBudgetPerStore: number | null;
  active: boolean;
  prizes: PrizeDraft[];
};

let keys = 0;
const newKey = () => `p${++keys}`;
const pad = (n: number) => String(n).padStart(2, "0");
/** An ISO instant as a datetime-local value in the browser's time zone. */
const localInput = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const isoOf = (local: string) => (local ? new Date(local).toISOString() : null);

const BLANK: Draft = {
  name: "",
  description: "",
  kind: "wheel",
  storeIds: [],
  startsAt: "",
  endsAt: "",
  playsPerDay: 1,
  playsPerCustomer: null,
  dailyPrizeBudgetPerStore: null,
  active: true,
  prizes: [
    {
      key: newKey(),
      label: "Chúc bạn may mắn lần sau",
      kind: "none",
      voucherCampaignId: null,
      points: null,
      weight: 60,
      stock: null,
      requiresFollow: false,
      won: 0,
    },
    { key: newKey(), label: "+10 điểm", kind: "points", voucherCampaignId: null, points: 10, weight: 40, stock: null, requiresFollow: false, won: 0 },
  ],
};

const draftOf = (g: AdminGame): Draft => ({
  name: g.name,
  description: g.description,
  kind: g.kind,
  storeIds: g.storeIds,
  startsAt: localInput(g.startsAt),
  endsAt: localInput(g.endsAt),
  playsPerDay: g.playsPerDay,
  playsPerCustomer: g.playsPerCustomer,
  dailyPrizeBudgetPerStore: g.dailyPrizeBudgetPerStore,
  active: g.active,
  prizes: g.prizes.map((p) => ({
    key: p.id,
    id: p.id,
    label: p.label,
    kind: p.kind,
    voucherCampaignId: p.voucherCampaignId,
    points: p.points,
    weight: p.weight,
    stock: p.stock,
    requiresFollow: p.requiresFollow,
    won: p.won,
  })),
});

/** The request body, as the server's schema takes it. */
const inputOf = (d: Draft) => ({
  name: d.name,
  description: d.description,
  kind: d.kind,
  storeIds: d.storeIds,
  startsAt: isoOf(d.startsAt),
  endsAt: isoOf(d.endsAt),
  playsPerDay: d.playsPerDay,
  playsPerCustomer: d.playsPerCustomer,
  dailyPrizeBudgetPerStore: d.dailyPrizeBudgetPerStore,
  active: d.active,
  prizes: d.prizes.map((p) => ({
    ...(p.id ? { id: p.id } : {}),
    label: p.label,
    kind: p.kind,
    voucherCampaignId: p.kind === "voucher" ? p.voucherCampaignId : null,
    points: p.kind === "points" ? p.points : null,
    weight: p.weight,
    stock: p.kind === "none" ? null : p.stock,
    requiresFollow: p.kind === "none" ? false : p.requiresFollow,
  })),
});

/** Problems by field path ("prizes.0.weight"), in Vietnamese, the first one per field. */
const byField = (problems: { field: string; text: string }[]) => {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, p.text);
  return out;
};

/** The shared schema's verdict on the draft, plus what only this form knows: the stock already won. */
function problemsOf(d: Draft): Map<string, string> {
  const r = GameCampaignInput.safeParse(inputOf(d));
  const out = r.success ? new Map<string, string>() : byField(fieldProblems(r.error.issues.map(detailOfIssue)));
  d.prizes.forEach((p, i) => {
    if (p.kind !== "none" && p.stock !== null && p.stock < p.won && !out.has(`prizes.${i}.stock`))
      out.set(`prizes.${i}.stock`, `không được ít hơn ${fmtNumber(p.won)} giải đã trúng`);
  });
  return out;
}

/** The server's refusal as field problems: its schema's issues, or the prize an edit may not change that way. */
function serverProblems(e: unknown): Map<string, string> {
  if (!(e instanceof ApiError)) return new Map();
  if (e.code === "VALIDATION_FAILED") return byField(fieldProblems(e.details));
  const d = (e.details ?? {}) as { prize?: number; won?: number };
  if (e.code === "GAME_PRIZE_STOCK_BELOW_WON" && typeof d.prize === "number")
    return new Map([[`prizes.${d.prize}.stock`, `không được ít hơn ${fmtNumber(d.won ?? 0)} giải đã trúng`]]);
  if (e.code === "GAME_PRIZE_LOCKED" && typeof d.prize === "number")
    return new Map([[`prizes.${d.prize}.kind`, "đã có người trúng giải này: không đổi được loại quà, hãy thêm giải mới"]]);
  return new Map();
}

function errorText(e: unknown): string {
  const code = e instanceof ApiError ? e.code : "";
  if (code === "VALIDATION_FAILED") return "Chưa lưu: hãy sửa những chỗ được đánh dấu đỏ.";
  return describeError(code).title;
}

const KIND_WORD: Record<PrizeKind, string> = { none: "Không trúng", points: "Điểm", voucher: "Voucher" };

/** #/games/new and #/games/<id>: the whole game in one form, checked by the shared schema, saved in one request. */
export function GameEditor({ id }: { id: string | null }) {
  const data = useLoad(async () => {
    const [game, stores, vouchers] = await Promise.all([
      id ? api.get<AdminGame>(`/api/admin/games/${encodeURIComponent(id)}`) : Promise.resolve(null),
      api.get<{ stores: Store[] }>("/api/admin/stores").then((r) => r.stores),
      api.get<{ campaigns: Campaign[] }>("/api/admin/voucher-campaigns").then((r) => r.campaigns),
    ]);
    return { game, stores, vouchers };
  }, [id]);
  const [draft, setDraft] = useState<Draft | null>(id ? null : BLANK);
  const [tried, setTried] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const save = useAction();
  useEffect(() => {
    if (data.data?.game) setDraft(draftOf(data.data.game));
  }, [data.data?.game]);
  const local = useMemo(() => (draft ? problemsOf(draft) : new Map<string, string>()), [draft]);

  if (data.error && !data.data)
    return (
      <div className="c-page">
        <a href="#/games" className="c-back">
          <ArrowLeft size={16} /> Trò chơi
        </a>
        <div className="c-error" role="alert" data-testid="game-load-error" data-code={data.error instanceof ApiError ? data.error.code : ""}>
          <div className="c-error-msg">{errorText(data.error)}</div>
        </div>
      </div>
    );
  if (!data.data || !draft)
    return (
      <div className="c-page">
        <Spinner />
      </div>
    );

  const { game, stores, vouchers } = data.data;
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const err = (path: string) => problems.get(path) ?? null;
  const dirty = !game || JSON.stringify(draftOf(game)) !== JSON.stringify(draft);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setSavedAt(null);
  };
  const setPrize = (i: number, patch: Partial<PrizeDraft>) => set({ prizes: draft.prizes.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const movePrize = (i: number, by: number) => {
    const next = [...draft.prizes];
    const [p] = next.splice(i, 1);
    next.splice(i + by, 0, p!);
    set({ prizes: next });
  };
  const odds = oddsOf(draft.prizes.map((p) => (Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 0)));

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (local.size > 0) return;
    const body = GameCampaignInput.parse(inputOf(draft));
    const r = await save.run(() =>
      game ? api.put<AdminGame>(`/api/admin/games/${encodeURIComponent(game.id)}`, body) : api.post<AdminGame>("/api/admin/games", body),
    );
    if (!r) return;
    setTried(false);
    setSavedAt(Date.now());
    if (game) data.setData({ game: r, stores, vouchers });
    else go(`games/${r.id}`);
  };

  return (
    <div className="c-page gm-editor" data-testid="game-editor">
      <a href="#/games" className="c-back">
        <ArrowLeft size={16} /> Trò chơi
      </a>
      <div className="c-page-head">
        <div>
          <h1 data-testid="game-title">{game ? game.name : "Trò chơi mới"}</h1>
          <p className="c-muted">
            {game ? (
              <>
                {fmtNumber(game.plays)} lượt chơi · <Badge tone={game.active ? "ok" : "muted"}>{game.active ? "Đang chạy" : "Tắt"}</Badge>
              </>
            ) : (
              "Vòng quay hoặc thẻ cào mở từ mã QR tại cửa hàng. Máy chủ bốc thăm theo tỉ trọng bạn đặt."
            )}
          </p>
        </div>
        {game ? (
          <a className="c-btn" href={`#/games/${encodeURIComponent(game.id)}/draws`} data-testid="game-open-draws">
            <History size={16} /> Nhật ký lượt chơi
          </a>
        ) : null}
      </div>

      <form className="gm-layout" onSubmit={onSave} noValidate data-testid="game-form">
        <div className="gm-form">
          <Card title="Thông tin">
            <div className="c-fields">
              <Field label="Tên trò chơi" error={err("name")} testId="game-name">
                <input className="c-input" value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} data-testid="game-name" />
              </Field>
              <Field label="Loại" error={err("kind")} testId="game-kind">
                <select className="c-input" value={draft.kind} onChange={(e) => set({ kind: e.target.value as GameKind })} data-testid="game-kind">
                  <option value="wheel">Vòng quay</option>
                  <option value="scratch">Thẻ cào</option>
                </select>
              </Field>
            </div>
            <Field label="Mô tả (khách sẽ thấy)" error={err("description")} testId="game-description">
              <textarea
                className="c-input c-textarea"
                value={draft.description}
                onChange={(e) => set({ description: e.target.value })}
                maxLength={400}
                data-testid="game-description"
              />
            </Field>
            <label className="c-check">
              <input type="checkbox" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} data-testid="game-active" />
              <span>
                <b>Đang chạy</b>
                <span className="c-hint">Bỏ chọn để tạm dừng: mã QR vẫn giữ nguyên, khách quét sẽ thấy trò chơi đang tạm dừng.</span>
              </span>
            </label>
          </Card>

          <Card
            title="Giải thưởng"
            actions={
              <button
                type="button"
                className="c-btn c-btn-ghost c-btn-sm"
                disabled={draft.prizes.length >= 12}
                onClick={() =>
                  set({
                    prizes: [
                      ...draft.prizes,
                      { key: newKey(), label: "", kind: "points", voucherCampaignId: null, points: 10, weight: 10, stock: null, requiresFollow: false, won: 0 },
                    ],
                  })
                }
                data-testid="prize-add"
              >
                <Plus size={14} /> Thêm giải
              </button>
            }
          >
            <p className="c-hint gm-hint">
              Tỉ lệ = tỉ trọng của giải / tổng tỉ trọng. Cần một ô “không trúng”: lượt trúng một giải đã hết quà (hoặc vượt ngân sách ngày) rơi vào đó.
            </p>
            {err("prizes") ? (
              <span className="gm-err" data-testid="prizes-error">
                {err("prizes")}
              </span>
            ) : null}
            <div className="gm-prizes">
              {draft.prizes.map((p, i) => {
                const locked = p.won > 0;
                const path = `prizes.${i}`;
                return (
                  <div className="gm-prize" key={p.key} data-testid="prize">
                    <div className="gm-prize-head">
                      <b>Giải {i + 1}</b>
                      <span className="gm-prize-odds" data-testid={`prize-${i}-odds`}>
                        {fmtPct(odds[i] ?? 0)}
                      </span>
                      {p.id && p.kind !== "none" ? (
                        <span className="c-small c-muted" data-testid={`prize-${i}-won`}>
                          đã trúng {fmtNumber(p.won)}
                          {p.stock !== null ? ` · còn ${fmtNumber(Math.max(0, p.stock - p.won))}` : ""}
                        </span>
                      ) : null}
                      <span className="gm-prize-tools">
                        <button
                          type="button"
                          className="c-btn c-btn-ghost c-btn-sm"
                          disabled={i === 0}
                          onClick={() => movePrize(i, -1)}
                          aria-label={`Đưa giải ${i + 1} lên`}
                        >
                          <ArrowUp size={14} />
                        </button>
                        <button
                          type="button"
                          className="c-btn c-btn-ghost c-btn-sm"
                          disabled={i === draft.prizes.length - 1}
                          onClick={() => movePrize(i, 1)}
                          aria-label={`Đưa giải ${i + 1} xuống`}
                        >
                          <ArrowDown size={14} />
                        </button>
                        <button
                          type="button"
                          className="c-btn c-btn-ghost c-btn-sm"
                          onClick={() => set({ prizes: draft.prizes.filter((_, j) => j !== i) })}
                          aria-label={`Bỏ giải ${i + 1}`}
                          data-testid={`prize-${i}-remove`}
                        >
                          <Trash size={14} />
                        </button>
                      </span>
                    </div>
                    <div className="gm-prize-fields">
                      <Field label="Tên giải" error={err(`${path}.label`)} testId={`prize-${i}-label`} wide>
                        <input
                          className="c-input"
                          value={p.label}
                          onChange={(e) => setPrize(i, { label: e.target.value })}
                          maxLength={60}
                          data-testid={`prize-${i}-label`}
                        />
                      </Field>
                      <Field
                        label="Loại quà"
                        error={err(`${path}.kind`)}
                        testId={`prize-${i}-kind`}
                        hint={locked ? "Đã có người trúng: không đổi được loại quà." : undefined}
                      >
                        <select
                          className="c-input"
                          value={p.kind}
                          disabled={locked}
                          onChange={(e) => {
                            const kind = e.target.value as PrizeKind;
                            setPrize(i, {
                              kind,
                              ...(kind === "none" ? { stock: null, requiresFollow: false } : {}),
                              ...(kind === "points" && !p.points ? { points: 10 } : {}),
                            });
                          }}
                          data-testid={`prize-${i}-kind`}
                        >
                          {(["none", "points", "voucher"] as const).map((k) => (
                            <option key={k} value={k}>
                              {KIND_WORD[k]}
                            </option>
                          ))}
                        </select>
                      </Field>
                      {p.kind === "voucher" ? (
                        <Field label="Chiến dịch voucher" error={err(`${path}.voucherCampaignId`)} testId={`prize-${i}-voucher`} wide>
                          <select
                            className="c-input"
                            value={p.voucherCampaignId ?? ""}
                            disabled={locked}
                            onChange={(e) => setPrize(i, { voucherCampaignId: e.target.value || null })}
                            data-testid={`prize-${i}-voucher`}
                          >
                            <option value="">— Chọn chiến dịch —</option>
                            {vouchers.map((v) => (
                              <option key={v.id} value={v.id}>
                                {v.name}
                                {v.active ? "" : " (đã tắt)"}
                              </option>
                            ))}
                          </select>
                        </Field>
                      ) : null}
                      {p.kind === "points" ? (
                        <Field label="Số điểm" error={err(`${path}.points`)} testId={`prize-${i}-points`}>
                          <NumBox value={p.points} onChange={(v) => setPrize(i, { points: v })} disabled={locked} testId={`prize-${i}-points`} />
                        </Field>
                      ) : null}
                      <Field label="Tỉ trọng" error={err(`${path}.weight`)} testId={`prize-${i}-weight`}>
                        <NumBox value={p.weight} onChange={(v) => setPrize(i, { weight: v ?? 0 })} testId={`prize-${i}-weight`} />
                      </Field>
                      {p.kind !== "none" ? (
                        <>
                          <Field label="Số lượng (trống: không giới hạn)" error={err(`${path}.stock`)} testId={`prize-${i}-stock`}>
                            <NumBox value={p.stock} onChange={(v) => setPrize(i, { stock: v })} testId={`prize-${i}-stock`} />
                          </Field>
                          <label className="c-check gm-follow">
                            <input
                              type="checkbox"
                              checked={p.requiresFollow}
                              onChange={(e) => setPrize(i, { requiresFollow: e.target.checked })}
                              data-testid={`prize-${i}-follow`}
                            />
                            <span>Cần quan tâm OA để nhận</span>
                          </label>
                        </>
                      ) : null}
                    </div>
                  </div>
                );
              })}
            </div>
          </Card>

          <Card title="Lượt chơi và thời gian">
            <div className="c-fields">
              <Field label="Lượt mỗi người mỗi ngày" error={err("playsPerDay")} testId="game-plays-per-day">
                <NumBox value={draft.playsPerDay} onChange={(v) => set({ playsPerDay: v ?? 0 })} testId="game-plays-per-day" />
              </Field>
              <Field label="Lượt mỗi người cả chương trình (trống: không giới hạn)" error={err("playsPerCustomer")} testId="game-plays-per-customer">
                <NumBox value={draft.playsPerCustomer} onChange={(v) => set({ playsPerCustomer: v })} testId="game-plays-per-customer" />
              </Field>
              <Field
                label="Ngân sách giải mỗi cửa hàng mỗi ngày (trống: không giới hạn)"
                error={err("dailyPrizeBudgetPerStore")}
                testId="game-budget"
                hint="Quá số giải này trong ngày, lượt trúng rơi vào ô “không trúng”."
              >
                <NumBox value={draft.dailyPrizeBudgetPerStore} onChange={(v) => set({ dailyPrizeBudgetPerStore: v })} testId="game-budget" />
              </Field>
              <div />
              <Field label="Bắt đầu (trống: ngay)" error={err("startsAt")} testId="game-starts">
                <input
                  type="datetime-local"
                  className="c-input"
                  value={draft.startsAt}
                  onChange={(e) => set({ startsAt: e.target.value })}
                  data-testid="game-starts"
                />
              </Field>
              <Field label="Kết thúc (trống: không hạn)" error={err("endsAt")} testId="game-ends">
                <input
                  type="datetime-local"
                  className="c-input"
                  value={draft.endsAt}
                  onChange={(e) => set({ endsAt: e.target.value })}
                  data-testid="game-ends"
                />
              </Field>
            </div>
          </Card>

          <Card title="Cửa hàng">
            <p className="c-hint gm-hint">Mã QR của các cửa hàng được chọn mở trò chơi này. Không chọn cửa hàng nào: mọi cửa hàng.</p>
            <StoreChecks stores={stores} value={draft.storeIds} onChange={(storeIds) => set({ storeIds })} testIdPrefix="game-store-" />
            {err("storeIds") ? <span className="gm-err">{err("storeIds")}</span> : null}
          </Card>

          <div className="gm-save">
            {tried && local.size > 0 ? (
              <span className="gm-err" role="alert" data-testid="game-problems">
                Còn {local.size} chỗ cần sửa (đánh dấu đỏ).
              </span>
            ) : null}
            {save.error && !(tried && local.size > 0) ? (
              <div className="c-error" role="alert" data-testid="game-save-error" data-code={save.error instanceof ApiError ? save.error.code : ""}>
                <div className="c-error-msg">{errorText(save.error)}</div>
              </div>
            ) : null}
            {savedAt && !dirty ? (
              <span className="gm-saved" role="status" data-testid="game-saved">
                Đã lưu.
              </span>
            ) : null}
            <button className="c-btn c-btn-primary" disabled={save.busy || !dirty} data-testid="game-save">
              <Save size={16} /> {save.busy ? "Đang lưu…" : game ? "Lưu thay đổi" : "Tạo trò chơi"}
            </button>
          </div>
        </div>

        <aside className="gm-aside">
          <Card title="Xem trước">
            <GamePreview kind={draft.kind} name={draft.name} slices={draft.prizes} />
          </Card>
        </aside>
      </form>
      {game ? <GameQrCodes game={game} /> : null}
    </div>
  );
}

function Field(props: { label: string; hint?: string; error: string | null; testId: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`c-field${props.wide ? " c-field-wide" : ""}${props.error ? " gm-bad" : ""}`}>
      <span className="c-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="c-hint">{props.hint}</span> : null}
      {props.error ? (
        <span className="gm-err" data-testid={`${props.testId}-error`}>
          {props.error}
        </span>
      ) : null}
    </label>
  );
}

/** A whole number, or empty (null): what the schema then says about it shows next to the field. */
function NumBox({ value, onChange, testId, disabled }: { value: number | null; onChange: (v: number | null) => void; testId: string; disabled?: boolean }) {
  return (
    <input
      type="number"
      inputMode="numeric"
      className="c-input c-num"
      value={value ?? ""}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
      data-testid={testId}
    />
  );
}
