import { Spinner } from "zmp-ui";
import { Coins, Gamepad2, History, MessageSquare, ShoppingBag, Star, StickyNote, Ticket, UserCog, UserPlus, type LucideIcon } from "lucide-react";
import type { TimelineItem, TimelineKind } from "@mc/shared";
import { noteText, TIMELINE_LABEL } from "@mc/shared/timeline-words";
import { describeError } from "@mc/web/error-messages";
import { fmtDateTime } from "@mc/web/format";
import type { Timeline } from "../use-timeline";

const ICON: Record<TimelineKind, LucideIcon> = {
  order: ShoppingBag,
  points: Coins,
  voucher: Ticket,
  game: Gamepad2,
  follow: UserPlus,
  message: MessageSquare,
  note: StickyNote,
  admin: UserCog,
  rating: Star,
};

/**
 * The person's history, newest first: chips choose the kinds (none chosen: all of them), "Xem thêm" pages on.
 * `kinds` are the chips offered (a staff view only has what happened at their stores, and notes).
 */
export function TimelineCard(props: {
  timeline: Timeline;
  offered: readonly TimelineKind[];
  chosen: TimelineKind[];
  onChoose: (kinds: TimelineKind[]) => void;
  scope: string;
}) {
  const { timeline: t, offered, chosen } = props;
  const toggle = (k: TimelineKind) => props.onChoose(chosen.includes(k) ? chosen.filter((x) => x !== k) : offered.filter((x) => x === k || chosen.includes(x)));
  const firstLoad = t.loading && t.items.length === 0;
  return (
    <section className="mc-card sc-timeline" data-testid="sc-timeline">
      <div className="sc-timeline-head">
        <h2>Lịch sử</h2>
        <span className="sc-hint">{props.scope}</span>
      </div>
      <div className="sc-chips" role="group" aria-label="Lọc theo loại">
        <button
          type="button"
          className={`sc-chip${chosen.length === 0 ? " on" : ""}`}
          aria-pressed={chosen.length === 0}
          onClick={() => props.onChoose([])}
          data-testid="sc-kind-all"
        >
          Tất cả
        </button>
        {offered.map((k) => {
          const Icon = ICON[k];
          return (
            <button
              key={k}
              type="button"
              className={`sc-chip${chosen.includes(k) ? " on" : ""}`}
              aria-pressed={chosen.includes(k)}
              onClick={() => toggle(k)}
              data-testid={`sc-kind-${k}`}
            >
              <Icon size={14} aria-hidden /> {TIMELINE_LABEL[k]}
            </button>
          );
        })}
      </div>

      {t.items.length > 0 ? (
        <ol className="sc-items" data-testid="sc-items">
          {t.items.map((it) => (
            <Item key={it.key} it={it} />
          ))}
        </ol>
      ) : null}

      {firstLoad ? (
        <div className="mcl-loading" data-testid="sc-timeline-loading">
          <Spinner visible />
        </div>
      ) : null}

      {!t.loading && !t.error && t.items.length === 0 ? (
        <div className="mcl-empty sc-empty" data-testid="sc-timeline-empty">
          <History size={36} />
          <p>{chosen.length ? "Không có mục nào thuộc loại đã chọn" : "Chưa có hoạt động nào"}</p>
          {chosen.length ? null : <span className="mc-muted">{props.scope}.</span>}
        </div>
      ) : null}

      {t.error ? (
        <div className="mcl-inline-error" role="alert" data-testid="sc-timeline-error">
          <span>{describeError(t.error).title}</span>
          <button className="mcl-link" onClick={t.retry}>
            Thử lại
          </button>
        </div>
      ) : null}

      {t.next && !t.error ? (
        <button className="mc-btn outline sc-more" onClick={t.more} disabled={t.loading} data-testid="sc-timeline-more">
          {t.loading && !firstLoad ? "Đang tải…" : "Xem thêm"}
        </button>
      ) : null}
    </section>
  );
}

function Item({ it }: { it: TimelineItem }) {
  const Icon = ICON[it.kind] ?? ICON.admin;
  const note = it.kind === "note";
  return (
    <li className={`sc-item kind-${it.kind}${it.data.low === true ? " low" : ""}`} data-testid="sc-item" data-kind={it.kind}>
      <span className="sc-item-icon" title={TIMELINE_LABEL[it.kind]} aria-hidden>
        <Icon size={16} />
      </span>
      <div className="sc-item-body">
        {note ? (
          <p className="sc-note-text" data-testid="sc-note">
            {noteText(it)}
          </p>
        ) : (
          <>
            <span className="sc-item-title">
              <span className="sc-sr-only">{TIMELINE_LABEL[it.kind]}: </span>
              {it.title}
            </span>
            {it.detail ? <span className="sc-item-detail">{it.detail}</span> : null}
          </>
        )}
        <span className="sc-item-meta">
          {note ? <b data-testid="sc-note-author">{it.actor ?? "—"}</b> : null}
          {note ? " · " : null}
          <time dateTime={it.at}>{fmtDateTime(it.at)}</time>
          {!note && it.actor ? ` · ${it.actor}` : null}
        </span>
      </div>
    </li>
  );
}
