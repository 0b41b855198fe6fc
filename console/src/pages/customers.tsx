import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Download, Search, SlidersHorizontal } from "lucide-react";
import type { CustomerCount, CustomerListItem, CustomerListPage, CustomerSort, LoyaltyRules } from "@mc/shared";
import { api, session } from "../api";
import { go, hashQuery, replaceHashQuery } from "../routing";
import { SORT_LABEL, SORTS, fmtAgo } from "../crm-labels";
import { activeFilterCount, filterProblems, filtersFrom, NO_FILTERS, queryOf, rememberList, type Filters } from "../customer-filters";
import type { SegmentView, TagCount } from "../crm-types";
import type { Store } from "../types";
import { useDebounced } from "../use-debounced";
import { ExportCsv } from "../components/export-csv";
import { FollowerSyncCard } from "../components/follower-sync";
import { Badge, Card, ErrorBox, Field, Spinner, useLoad } from "../ui";
import { CUSTOMER_LIST_FIELDS } from "../field-labels";
import { fmtNumber, fmtPhone } from "@mc/web/format";

const PAGE = 25;

/** `sort`: the order the server answered in (a search is always newest first, whatever was asked). */
type ListState = { items: CustomerListItem[]; next: string | null; sort: CustomerSort | null; loading: boolean; error: unknown };

/** #/customers: search, filters and sort (kept in the URL), keyset pages, the count and the CSV export. */
export function CustomersPage() {
  const [f, setF] = useState<Filters>(() => filtersFrom(hashQuery()));
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setF((x) => ({ ...x, [k]: v }));
  const q = useDebounced(f.q, 300);
  const settled = useMemo(() => ({ ...f, q }), [f, q]);
  const problems = filterProblems(f);
  const blocked = problems.some((p) => p.startsWith("Số ngày"));
  const query = queryOf(settled, { sort: true }).toString();
  const countQuery = queryOf(settled, { sort: false }).toString();

  const opts = useLoad(async () => {
    const [l, s, t, g] = await Promise.all([
      api.get<{ rules: LoyaltyRules }>("/api/admin/loyalty/rules").catch(() => null),
      api.get<{ stores: Store[] }>("/api/admin/stores").catch(() => null),
      api.get<{ tags: TagCount[] }>("/api/admin/tags").catch(() => null),
      api.get<{ segments: SegmentView[] }>("/api/admin/segments").catch(() => null),
    ]);
    return { tiers: l?.rules.tiers ?? [], stores: s?.stores ?? [], tags: t?.tags ?? [], segments: g?.segments ?? [] };
  });
  const tierName = (key: string) => opts.data?.tiers.find((t) => t.key === key)?.name ?? key;

  // The list and its count follow the settled filters; only the newest request's answers are kept.
  const [list, setList] = useState<ListState>({ items: [], next: null, sort: null, loading: true, error: null });
  const [count, setCount] = useState<{ n: number | null; loading: boolean }>({ n: null, loading: true });
  const seq = useRef(0);
  // Bumped when the follower sync finishes: the same filters, newly synced people.
  const [synced, setSynced] = useState(0);
  useEffect(() => {
    replaceHashQuery(new URLSearchParams(query));
    rememberList(query);
    if (blocked) return;
    const my = ++seq.current;
    setList((l) => ({ ...l, loading: true, error: null }));
    setCount((c) => ({ ...c, loading: true }));
    api
      .get<CustomerListPage>(`/api/admin/customers?${query}${query ? "&" : ""}limit=${PAGE}`)
      .then((p) => my === seq.current && setList({ items: p.items, next: p.next, sort: p.sort, loading: false, error: null }))
      .catch((error: unknown) => my === seq.current && setList({ items: [], next: null, sort: null, loading: false, error }));
    api
      .get<CustomerCount>(`/api/admin/customers/count${countQuery ? `?${countQuery}` : ""}`)
      .then((c) => my === seq.current && setCount({ n: c.count, loading: false }))
      .catch(() => my === seq.current && setCount({ n: null, loading: false }));
  }, [query, countQuery, blocked, synced]);

  const onSynced = useCallback(() => setSynced((n) => n + 1), []);

  const more = async () => {
    if (!list.next) return;
    const my = seq.current;
    setList((l) => ({ ...l, loading: true }));
    try {
      const p = await api.get<CustomerListPage>(`/api/admin/customers?${query}${query ? "&" : ""}limit=${PAGE}&after=${encodeURIComponent(list.next)}`);
      if (my === seq.current) setList((l) => ({ ...l, items: [...l.items, ...p.items], next: p.next, loading: false, error: null }));
    } catch (error) {
      if (my === seq.current) setList((l) => ({ ...l, loading: false, error }));
    }
  };

  const [showFilters, setShowFilters] = useState(false);
  const [exporting, setExporting] = useState(false);
  const active = activeFilterCount(f);
  const typing = f.q !== q;

  return (
    <div className="c-page" data-testid="customers-page">
      <div className="c-page-head">
        <div>
          <h1>Khách hàng</h1>
          <p className="c-muted">Tìm theo tên, 3 số cuối điện thoại trở lên, mã thành viên hoặc Zalo ID; lọc, sắp xếp, mở hồ sơ hoặc xuất CSV.</p>
        </div>
        <button className="c-btn" onClick={() => setExporting((x) => !x)} aria-expanded={exporting} data-testid="export-open">
          <Download size={16} /> Xuất CSV
        </button>
      </div>
      {exporting && <ExportCsv query={queryOf(settled, { sort: false })} count={count.n} onClose={() => setExporting(false)} />}
      {session.admin()?.role !== "store_manager" && <FollowerSyncCard onFinished={onSynced} />}
      <Card>
        <div className="c-search-row">
          <label className="c-search">
            <Search size={16} aria-hidden />
            <span className="c-sr-only">Tìm khách hàng</span>
            <input
              className="c-input"
              type="search"
              value={f.q}
              maxLength={100}
              placeholder="Tên, số điện thoại, mã thành viên…"
              onChange={(e) => set("q", e.target.value)}
              data-testid="customer-search"
            />
          </label>
          <Field label="Sắp xếp" hint={list.sort && list.sort !== settled.sort ? `Kết quả tìm kiếm xếp theo «${SORT_LABEL[list.sort]}»` : undefined}>
            <select className="c-input" value={f.sort} onChange={(e) => set("sort", e.target.value as Filters["sort"])} data-testid="customer-sort">
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {SORT_LABEL[s]}
                </option>
              ))}
            </select>
          </Field>
          <button
            className="c-btn c-filters-toggle"
            onClick={() => setShowFilters((x) => !x)}
            aria-expanded={showFilters}
            aria-controls="customer-filters"
            data-testid="filters-toggle"
          >
            <SlidersHorizontal size={16} /> Bộ lọc{active ? ` (${active})` : ""}
          </button>
        </div>
        <div id="customer-filters" className={`c-filters${showFilters ? " open" : ""}`} data-testid="customer-filters">
          <Field label="Hạng">
            <select className="c-input" value={f.tier} onChange={(e) => set("tier", e.target.value)} data-testid="filter-tier">
              <option value="">Mọi hạng</option>
              {opts.data?.tiers.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Quan tâm OA">
            <select
              className="c-input"
              value={f.follower}
              onChange={(e) => set("follower", e.target.value as Filters["follower"])}
              data-testid="filter-follower"
            >
              <option value="">Tất cả</option>
              <option value="yes">Đang quan tâm</option>
              <option value="no">Không quan tâm</option>
            </select>
          </Field>
          <Field label="Đã ghé cửa hàng">
            <select className="c-input" value={f.storeId} onChange={(e) => set("storeId", e.target.value)} data-testid="filter-store">
              <option value="">Mọi cửa hàng</option>
              {opts.data?.stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Nhãn">
            <select className="c-input" value={f.tag} onChange={(e) => set("tag", e.target.value)} data-testid="filter-tag">
              <option value="">Mọi nhãn</option>
              {opts.data?.tags.map((t) => (
                <option key={t.tag} value={t.tag}>
                  {t.tag} ({fmtNumber(t.count)})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Phân khúc đã lưu">
            <select className="c-input" value={f.segmentId} onChange={(e) => set("segmentId", e.target.value)} data-testid="filter-segment">
              <option value="">Không dùng</option>
              {opts.data?.segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <DaysRange
            legend="Đơn hoàn tất gần nhất"
            hint="Chưa từng mua tính là «đã lâu»"
            min={f.orderDaysMin}
            max={f.orderDaysMax}
            onMin={(v) => set("orderDaysMin", v)}
            onMax={(v) => set("orderDaysMax", v)}
            testId="filter-order"
          />
          <DaysRange
            legend="Lần ghé gần nhất"
            hint="Chưa từng ghé tính là «đã lâu»"
            min={f.visitDaysMin}
            max={f.visitDaysMax}
            onMin={(v) => set("visitDaysMin", v)}
            onMax={(v) => set("visitDaysMax", v)}
            testId="filter-visit"
          />
        </div>
        {problems.length > 0 && (
          <ul className="c-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="c-list-meta" aria-live="polite">
          <span data-testid="customer-count">
            {count.loading ? <Spinner label="Đang đếm…" /> : count.n === null ? "Không đếm được" : `${fmtNumber(count.n)} khách hàng`}
          </span>
          {(typing || (list.loading && list.items.length > 0)) && <Spinner label="Đang tìm…" />}
          {active > 0 && (
            <button className="c-btn c-btn-sm" onClick={() => setF({ ...NO_FILTERS, q: f.q, sort: f.sort })} data-testid="filters-clear">
              Bỏ lọc ({active})
            </button>
          )}
        </div>
        <ErrorBox error={list.error} testId="customer-list-error" fields={CUSTOMER_LIST_FIELDS} />
        {list.loading && !list.items.length ? (
          <Spinner />
        ) : !list.items.length ? (
          !list.error && (
            <p className="c-empty" data-testid="customer-empty">
              {f.q.trim() || active ? "Không có khách nào khớp tìm kiếm và bộ lọc này." : "Chưa có khách hàng nào. Khách xuất hiện ở đây khi mở mini app."}
            </p>
          )
        ) : (
          <CustomerTable items={list.items} tierName={tierName} />
        )}
        {list.next && (
          <div className="c-row c-row-center">
            <button className="c-btn" onClick={more} disabled={list.loading} data-testid="customer-more">
              {list.loading ? "Đang tải…" : "Xem thêm"}
            </button>
          </div>
        )}
      </Card>
    </div>
  );
}

const digits = (v: string) => v.replace(/\D/g, "").slice(0, 4);

/** "At least N days ago" / "within N days" for the last order or visit (the API's …DaysMin / …DaysMax). */
function DaysRange(p: { legend: string; hint: string; min: string; max: string; onMin: (v: string) => void; onMax: (v: string) => void; testId: string }) {
  const input = (value: string, on: (v: string) => void, id: string) => (
    <input
      className="c-input"
      type="number"
      inputMode="numeric"
      min={0}
      max={3650}
      value={value}
      onChange={(e) => on(digits(e.target.value))}
      data-testid={id}
    />
  );
  return (
    <fieldset className="c-fieldset c-days">
      <legend className="c-label">{p.legend}</legend>
      <div className="c-days-inputs">
        <Field label="cách đây ít nhất (ngày)">{input(p.min, p.onMin, `${p.testId}-min`)}</Field>
        <Field label="trong vòng (ngày)">{input(p.max, p.onMax, `${p.testId}-max`)}</Field>
      </div>
      <span className="c-hint">{p.hint}</span>
    </fieldset>
  );
}

function CustomerTable({ items, tierName }: { items: CustomerListItem[]; tierName: (k: string) => string }) {
  return (
    <table className="c-table c-table-click c-table-cards" data-testid="customer-list">
      <thead>
        <tr>
          <th>Khách hàng</th>
          <th>Điện thoại</th>
          <th>Hạng</th>
          <th className="c-num-col">Điểm</th>
          <th>Quan tâm OA</th>
          <th>Nhãn</th>
          <th>Tương tác</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id} onClick={() => go(`customers/${c.id}`)} data-testid={`customer-row-${c.id}`}>
            <td data-label="Khách hàng" className="c-td-main">
              <a href={`#/customers/${c.id}`} onClick={(e) => e.stopPropagation()} className="c-person">
                {c.name || "(không tên)"}
              </a>
              <div className="c-small c-muted">
                {c.memberCode}
                {c.role !== "customer" && (
                  <>
                    {" · "}
                    <span>{c.role === "admin" ? "quản trị" : "nhân viên"}</span>
                  </>
                )}
              </div>
            </td>
            <td data-label="Điện thoại" className="c-nowrap">
              {c.phoneMasked ? fmtPhone(c.phoneMasked) : <span className="c-muted">—</span>}
            </td>
            <td data-label="Hạng">{tierName(c.tier)}</td>
            <td data-label="Điểm" className="c-num-col">
              {fmtNumber(c.pointsBalance)}
            </td>
            <td data-label="Quan tâm OA">{c.followsOa ? <Badge tone="ok">Đang quan tâm</Badge> : <Badge tone="muted">Không</Badge>}</td>
            <td data-label="Nhãn">
              {c.tags.length ? (
                <span className="c-tags">
                  {c.tags.map((t) => (
                    <span key={t} className="c-tag">
                      {t}
                    </span>
                  ))}
                </span>
              ) : (
                <span className="c-muted">—</span>
              )}
            </td>
            <td data-label="Tương tác" className="c-nowrap c-muted">
              {fmtAgo(c.lastInteractionAt)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
