import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ArrowLeft, Copy, Plus, Save, Trash } from "lucide-react";
import {
  dayHoursWords,
  StoreSettingsInput,
  statusWords,
  WEEKDAY_WORDS,
  WEEKDAYS,
  type AdminStore,
  type HoursException,
  type OpenInterval,
  type Weekday,
  type WeekHours,
} from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import { go } from "../routing";
import { Badge, Card, LoadError, Spinner, useAction, useLoad } from "../ui";
import "./stores.css";

/**
 * #/stores and #/stores/<id>: the shop's stores, and one store's editor (name, address, weekly hours, exceptions,
 * time zone, open or closed). The form checks itself with the server's own schema (StoreSettingsInput) and shows
 * each problem next to its field, in Vietnamese; a save is one request, all or nothing.
 */
export function StoresPage({ id }: { id?: string }) {
  return id ? <StoreEditor key={id} id={id} /> : <StoreList />;
}

/** What this page says for an error: its own words where it has more to say, else the shared table's. */
function errorText(e: unknown): string {
  const code = e instanceof ApiError ? e.code : "";
  switch (code) {
    case "VALIDATION_FAILED":
      return "Chưa lưu: hãy sửa những chỗ được đánh dấu đỏ bên dưới.";
    case "CONFLICT":
      return "Mã cửa hàng này đã có: chọn mã khác.";
    case "FORBIDDEN":
      return "Tài khoản của bạn không được sửa cửa hàng.";
    default:
      return describeError(code).title;
  }
}

function Problem({ error, testId }: { error: unknown; testId: string }) {
  if (!error) return null;
  return (
    <div className="c-error" role="alert" data-testid={testId} data-code={error instanceof ApiError ? error.code : ""}>
      <div className="c-error-msg">{errorText(error)}</div>
    </div>
  );
}

const statusOf = (s: AdminStore) => statusWords(s.status, Date.parse(s.status.at), s.timeZone);

function StatusBadge({ store }: { store: AdminStore }) {
  if (!store.active) return <Badge tone="muted">Tạm đóng cửa</Badge>;
  return store.status.openNow ? <Badge tone="ok">Đang mở</Badge> : <Badge tone="warn">Ngoài giờ mở cửa</Badge>;
}

// ---- the list ----

function StoreList() {
  const list = useLoad(() => api.get<{ stores: AdminStore[] }>("/api/admin/stores").then((r) => r.stores));
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const add = useAction();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await add.run(() => api.post<AdminStore>("/api/admin/stores", { name: name.trim(), ...(code.trim() ? { id: code.trim() } : {}) }));
    if (r) go(`stores/${r.id}`);
  };
  return (
    <div className="c-page" data-testid="stores-page">
      <div className="c-page-head">
        <div>
          <h1>Cửa hàng</h1>
          <p className="c-muted">Giờ mở cửa từng ngày, ngày nghỉ lễ và trạng thái của mỗi cửa hàng. Mini app chỉ nhận đơn trong giờ mở cửa.</p>
        </div>
      </div>
      {list.error ? <Problem error={list.error} testId="stores-error" /> : null}
      {list.loading && !list.data ? (
        <Spinner />
      ) : !list.data?.length ? (
        <Card>
          <p className="c-empty">Chưa có cửa hàng nào: thêm cửa hàng đầu tiên bên dưới.</p>
        </Card>
      ) : (
        <Card>
          <div className="st-list">
            {list.data.map((s) => (
              <a key={s.id} className="st-item" href={`#/stores/${encodeURIComponent(s.id)}`} data-testid="store-row" data-id={s.id}>
                <div className="st-item-main">
                  <b>{s.name}</b>
                  <span className="c-muted c-small">{s.address || "Chưa có địa chỉ"}</span>
                </div>
                <div className="st-item-side">
                  <StatusBadge store={s} />
                  <span className="c-small c-muted">{s.active ? statusOf(s) : (s.closedReason ?? "")}</span>
                  <span className="c-small">Hôm nay: {dayHoursWords(s.status.today)}</span>
                </div>
              </a>
            ))}
          </div>
        </Card>
      )}
      <Card title="Thêm cửa hàng">
        <form className="c-row" onSubmit={create}>
          <label className="c-field c-field-wide">
            <span className="c-label">Tên cửa hàng</span>
            <input className="c-input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} data-testid="store-new-name" />
          </label>
          <label className="c-field">
            <span className="c-label">Mã (không bắt buộc)</span>
            <input
              className="c-input"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="q7-phu-my-hung"
              maxLength={40}
              data-testid="store-new-id"
            />
          </label>
          <button className="c-btn c-btn-primary st-add" disabled={add.busy || !name.trim()} data-testid="store-new-submit">
            <Plus size={16} /> Thêm
          </button>
        </form>
        <p className="c-hint">Cửa hàng mới mở cửa cả ngày, mọi ngày, cho đến khi bạn đặt giờ.</p>
        <Problem error={add.error} testId="store-new-error" />
      </Card>
    </div>
  );
}

// ---- the editor ----

type Draft = StoreSettingsInput;
const ZONES = ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Tokyo", "Asia/Seoul"];
const draftOf = (s: AdminStore): Draft => ({
  name: s.name,
  address: s.address,
  active: s.active,
  closedReason: s.closedReason,
  timeZone: s.timeZone,
  week: s.week,
  exceptions: s.exceptions,
  lat: s.lat,
  lng: s.lng,
});
/** A coordinate as typed: empty is none; a comma is read as the decimal point (10,7725). */
const coordOf = (t: string): number | null | "bad" => {
  const v = t.trim().replace(",", ".");
  if (!v) return null;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : "bad";
};
/** Problems by field path ("week.mon.0.close"), in Vietnamese, the first one per field. */
const byField = (problems: { field: string; text: string }[]) => {
  const out = new Map<string, string>();
  for (const p of problems) if (p.field && !out.has(p.field)) out.set(p.field, p.text);
  return out;
};
/** The schema's own verdict on the draft, worded as the server's would be. */
function problemsOf(d: Draft): Map<string, string> {
  const r = StoreSettingsInput.safeParse(d);
  return r.success ? new Map() : byField(fieldProblems(r.error.issues.map(detailOfIssue)));
}
/** The server's VALIDATION_FAILED details as the same map. */
function serverProblems(e: unknown): Map<string, string> {
  return e instanceof ApiError && e.code === "VALIDATION_FAILED" ? byField(fieldProblems(e.details)) : new Map();
}
const nextDate = (list: HoursException[]) => {
  const last = list
    .map((e) => e.date)
    .sort()
    .at(-1);
  const from = last ? Date.parse(`${last}T00:00:00Z`) : Date.now();
  return new Date(from + 86_400_000).toISOString().slice(0, 10);
};

function StoreEditor({ id }: { id: string }) {
  const store = useLoad(() => api.get<AdminStore>(`/api/admin/stores/${encodeURIComponent(id)}`), [id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tried, setTried] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  // The position as typed (a half-typed number is not one yet).
  const [coords, setCoords] = useState({ lat: "", lng: "" });
  const save = useAction();
  useEffect(() => {
    if (store.data) {
      setDraft(draftOf(store.data));
      setCoords({ lat: store.data.lat === null ? "" : String(store.data.lat), lng: store.data.lng === null ? "" : String(store.data.lng) });
    }
  }, [store.data]);

  if (store.error && !store.data)
    return (
      <div className="c-page">
        <a href="#/stores" className="c-back">
          <ArrowLeft size={16} /> Cửa hàng
        </a>
        <LoadError error={store.error} what="cửa hàng" back={{ href: "#/stores", label: "Về danh sách cửa hàng" }} testId="store-error" />
      </div>
    );
  if (!store.data || !draft)
    return (
      <div className="c-page">
        <Spinner />
      </div>
    );
  const s = store.data;
  const local = problemsOf(draft);
  if (coordOf(coords.lat) === "bad") local.set("lat", "Vĩ độ là một số, ví dụ 10.7725");
  if (coordOf(coords.lng) === "bad") local.set("lng", "Kinh độ là một số, ví dụ 106.698");
  const setCoord = (k: "lat" | "lng", text: string) => {
    setCoords({ ...coords, [k]: text });
    const v = coordOf(text);
    set({ [k]: v === "bad" ? null : v });
  };
  // Problems show once a save was tried (not while the first times are being typed); the server's, if any, too.
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const err = (path: string) => problems.get(path) ?? null;
  const dirty = JSON.stringify(draftOf(s)) !== JSON.stringify(draft);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setSavedAt(null);
  };
  const setDay = (day: Weekday, ivs: OpenInterval[]) => set({ week: { ...draft.week, [day]: ivs } as WeekHours });
  const setException = (i: number, ex: HoursException | null) =>
    set({ exceptions: ex ? draft.exceptions.map((x, j) => (j === i ? ex : x)) : draft.exceptions.filter((_, j) => j !== i) });

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (local.size > 0) return;
    const r = await save.run(() => api.put<AdminStore>(`/api/admin/stores/${encodeURIComponent(id)}`, StoreSettingsInput.parse(draft)));
    if (r) {
      store.setData(r);
      setTried(false);
      setSavedAt(Date.now());
    }
  };

  return (
    <form className="c-page st-editor" onSubmit={onSave} data-testid="store-editor" noValidate>
      <a href="#/stores" className="c-back">
        <ArrowLeft size={16} /> Cửa hàng
      </a>
      <div className="c-page-head">
        <div>
          <h1 data-testid="store-title">{s.name}</h1>
          <p className="c-muted st-status" data-testid="store-status">
            <StatusBadge store={s} /> {s.active ? statusOf(s) : (s.closedReason ?? "Không nhận đơn")}
          </p>
        </div>
      </div>

      <Card title="Thông tin">
        <div className="c-fields">
          <Field label="Tên cửa hàng" error={err("name")} testId="store-name">
            <input className="c-input" value={draft.name} onChange={(e) => set({ name: e.target.value })} data-testid="store-name" maxLength={200} />
          </Field>
          <Field label="Địa chỉ" error={err("address")} testId="store-address">
            <input className="c-input" value={draft.address} onChange={(e) => set({ address: e.target.value })} data-testid="store-address" />
          </Field>
          <Field label="Vĩ độ" hint="Để trả lời khách gửi vị trí: cửa hàng gần nhất đang mở." error={err("lat")} testId="store-lat">
            <input
              className="c-input"
              inputMode="decimal"
              placeholder="10.7725"
              value={coords.lat}
              onChange={(e) => setCoord("lat", e.target.value)}
              data-testid="store-lat"
            />
          </Field>
          <Field label="Kinh độ" hint="Lấy từ Google Maps: bấm giữ vào vị trí cửa hàng." error={err("lng")} testId="store-lng">
            <input
              className="c-input"
              inputMode="decimal"
              placeholder="106.698"
              value={coords.lng}
              onChange={(e) => setCoord("lng", e.target.value)}
              data-testid="store-lng"
            />
          </Field>
          <Field label="Múi giờ" hint="Giờ mở cửa tính theo múi giờ này." error={err("timeZone")} testId="store-tz">
            <input className="c-input" list="st-zones" value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })} data-testid="store-tz" />
            <datalist id="st-zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </Field>
        </div>
      </Card>

      <Card title="Hoạt động">
        <label className="c-check">
          <input type="checkbox" checked={draft.active} onChange={(e) => set({ active: e.target.checked })} data-testid="store-active" />
          <span>
            <b>Đang hoạt động</b>
            <span className="c-hint">Bỏ chọn để tạm đóng cửa: cửa hàng ẩn khỏi mini app và không nhận đơn cho đến khi mở lại.</span>
          </span>
        </label>
        {!draft.active ? (
          <Field label="Lý do đóng cửa (khách sẽ thấy)" error={err("closedReason")} testId="store-reason">
            <input
              className="c-input"
              value={draft.closedReason ?? ""}
              onChange={(e) => set({ closedReason: e.target.value || null })}
              placeholder="Sửa chữa mặt bằng đến 15/12"
              data-testid="store-reason"
            />
          </Field>
        ) : null}
      </Card>

      <Card
        title="Giờ mở cửa hằng tuần"
        actions={
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm"
            onClick={() => set({ week: Object.fromEntries(WEEKDAYS.map((d) => [d, draft.week.mon])) as WeekHours })}
            data-testid="store-copy-monday"
          >
            <Copy size={14} /> Dùng giờ Thứ Hai cho cả tuần
          </button>
        }
      >
        <p className="c-hint st-hint">Giờ đóng cửa sớm hơn giờ mở là qua nửa đêm (18:00–02:00); 24:00 là nửa đêm. Để trống một ngày là nghỉ.</p>
        <div className="st-week">
          {WEEKDAYS.map((day) => (
            <DayRow
              key={day}
              label={WEEKDAY_WORDS[day]}
              path={`week.${day}`}
              intervals={draft.week[day]}
              onChange={(ivs) => setDay(day, ivs)}
              err={err}
              testId={`day-${day}`}
            />
          ))}
        </div>
      </Card>

      <Card
        title="Ngày đặc biệt"
        actions={
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-sm"
            onClick={() => set({ exceptions: [...draft.exceptions, { date: nextDate(draft.exceptions), intervals: [], note: "" }] })}
            data-testid="exception-add"
          >
            <Plus size={14} /> Thêm ngày
          </button>
        }
      >
        <p className="c-hint st-hint">Ngày lễ, Tết: nghỉ cả ngày hoặc mở theo giờ riêng. Ngày này thay cho giờ hằng tuần.</p>
        {err("exceptions") ? <span className="st-err">{err("exceptions")}</span> : null}
        {draft.exceptions.length === 0 ? <p className="c-empty">Chưa có ngày đặc biệt.</p> : null}
        <div className="st-exceptions">
          {draft.exceptions.map((ex, i) => (
            <div className="st-exception" key={i} data-testid="exception">
              <div className="st-exception-head">
                <Field label="Ngày" error={err(`exceptions.${i}.date`)} testId={`exception-${i}-date`}>
                  <input
                    type="date"
                    className="c-input"
                    value={ex.date}
                    onChange={(e) => setException(i, { ...ex, date: e.target.value })}
                    data-testid={`exception-${i}-date`}
                  />
                </Field>
                <Field label="Ghi chú" error={err(`exceptions.${i}.note`)} testId={`exception-${i}-note`} wide>
                  <input
                    className="c-input"
                    value={ex.note}
                    onChange={(e) => setException(i, { ...ex, note: e.target.value })}
                    placeholder="Mùng 1 Tết"
                    data-testid={`exception-${i}-note`}
                  />
                </Field>
                <button
                  type="button"
                  className="c-btn c-btn-ghost c-btn-sm st-remove"
                  onClick={() => setException(i, null)}
                  aria-label={`Xoá ngày ${ex.date}`}
                  data-testid={`exception-${i}-remove`}
                >
                  <Trash size={14} />
                </button>
              </div>
              <DayRow
                label="Giờ mở"
                path={`exceptions.${i}.intervals`}
                intervals={ex.intervals}
                onChange={(ivs) => setException(i, { ...ex, intervals: ivs })}
                err={err}
                testId={`exception-${i}-hours`}
                closedWord="Nghỉ cả ngày"
              />
            </div>
          ))}
        </div>
      </Card>

      <div className="st-save">
        {tried && local.size > 0 ? (
          <span className="st-err" role="alert" data-testid="store-problems">
            Còn {local.size} chỗ cần sửa (đánh dấu đỏ).
          </span>
        ) : null}
        <Problem error={save.error && !(tried && local.size > 0) ? save.error : null} testId="store-save-error" />
        {savedAt && !dirty ? (
          <span className="st-saved" role="status" data-testid="store-saved">
            Đã lưu.
          </span>
        ) : null}
        <button className="c-btn c-btn-primary" disabled={save.busy || !dirty} data-testid="store-save">
          <Save size={16} /> {save.busy ? "Đang lưu…" : "Lưu thay đổi"}
        </button>
      </div>
    </form>
  );
}

function Field(props: { label: string; hint?: string; error: string | null; testId: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`c-field${props.wide ? " c-field-wide" : ""}${props.error ? " st-bad" : ""}`}>
      <span className="c-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="c-hint">{props.hint}</span> : null}
      {props.error ? (
        <span className="st-err" data-testid={`${props.testId}-error`}>
          {props.error}
        </span>
      ) : null}
    </label>
  );
}

/** One day's open intervals: none is closed; each a pair of HH:MM boxes (24:00 allowed as a close). */
function DayRow(props: {
  label: string;
  path: string;
  intervals: OpenInterval[];
  onChange: (ivs: OpenInterval[]) => void;
  err: (path: string) => string | null;
  testId: string;
  closedWord?: string;
}) {
  const { intervals, onChange, err, path } = props;
  const put = (i: number, iv: OpenInterval) => onChange(intervals.map((x, j) => (j === i ? iv : x)));
  const dayErr = err(path);
  return (
    <div className={`st-day${intervals.length === 0 ? " closed" : ""}`} data-testid={props.testId}>
      <span className="st-day-label">{props.label}</span>
      <div className="st-day-body">
        {intervals.length === 0 ? <span className="st-closed">{props.closedWord ?? "Nghỉ"}</span> : null}
        {intervals.map((iv, i) => {
          const p = `${path}.${i}`;
          const bad = err(p) ?? err(`${p}.open`) ?? err(`${p}.close`);
          return (
            <div className="st-interval" key={i}>
              <div className={`st-interval-inputs${bad ? " st-bad" : ""}`}>
                <input
                  className="c-input st-hm"
                  value={iv.open}
                  onChange={(e) => put(i, { ...iv, open: e.target.value })}
                  inputMode="numeric"
                  placeholder="07:00"
                  aria-label={`${props.label}: mở cửa (khung ${i + 1})`}
                  data-testid={`${props.testId}-${i}-open`}
                />
                <span aria-hidden>–</span>
                <input
                  className="c-input st-hm"
                  value={iv.close}
                  onChange={(e) => put(i, { ...iv, close: e.target.value })}
                  inputMode="numeric"
                  placeholder="22:00"
                  aria-label={`${props.label}: đóng cửa (khung ${i + 1})`}
                  data-testid={`${props.testId}-${i}-close`}
                />
                <button
                  type="button"
                  className="c-btn c-btn-ghost c-btn-sm st-remove"
                  onClick={() => onChange(intervals.filter((_, j) => j !== i))}
                  aria-label={`${props.label}: xoá khung ${i + 1}`}
                  data-testid={`${props.testId}-${i}-remove`}
                >
                  <Trash size={14} />
                </button>
              </div>
              {bad ? (
                <span className="st-err" data-testid={`${props.testId}-${i}-error`}>
                  {bad}
                </span>
              ) : null}
            </div>
          );
        })}
        {dayErr ? (
          <span className="st-err" data-testid={`${props.testId}-error`}>
            {dayErr}
          </span>
        ) : null}
        <button
          type="button"
          className="c-btn c-btn-ghost c-btn-sm st-add-interval"
          onClick={() => {
            const last = intervals.at(-1);
            onChange([...intervals, last ? { open: last.close === "24:00" ? "00:00" : last.close, close: "24:00" } : { open: "07:00", close: "22:00" }]);
          }}
          data-testid={`${props.testId}-add`}
        >
          <Plus size={14} /> {intervals.length === 0 ? "Mở cửa" : "Thêm khung giờ"}
        </button>
      </div>
    </div>
  );
}
