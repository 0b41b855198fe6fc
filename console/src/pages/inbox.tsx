import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ArrowLeft, Check, CheckCheck, Clock, Eye, ImagePlus, PauseCircle, Search, UserPlus, XCircle } from "lucide-react";
import {
  replyWindow,
  type ConversationMessage,
  type ConversationSummary,
  type ConversationThread,
  type CustomerProfile,
  type TimelineItem,
  type TimelinePage,
} from "@mc/shared";
import { fmtDateTime, fmtNumber } from "@mc/web/format";
import { sendReasonText } from "@mc/web/zalo-reasons";
import { api } from "../api";
import { config } from "../config";
import { TIMELINE_LABEL } from "../crm-labels";
import { go } from "../routing";
import { Badge, Card, ErrorBox, LoadError, Spinner, useAction, useLoad } from "../ui";
import { AssignBox, AssigneeFilter, CannedPicker } from "./inbox-staff";
import "./inbox.css";

type Role = "owner" | "marketer" | "store_manager";
type Page = { conversations: ConversationSummary[]; next: { before: number; beforeId: string } | null };

const KIND_LABEL: Record<string, string> = {
  image: "Ảnh",
  gif: "Ảnh động",
  sticker: "Nhãn dán",
  link: "Liên kết",
  location: "Vị trí",
  file: "Tệp",
  audio: "Ghi âm",
  video: "Video",
  business_card: "Danh thiếp",
  template: "Mẫu tin",
  request_info: "Xin thông tin",
  submit_info: "Thông tin khách gửi",
  rating: "Đánh giá đơn hàng",
};
const STATE_LABEL: Record<ConversationMessage["state"], string> = {
  received: "",
  queued: "Đang chờ gửi",
  sent: "Đã gửi",
  delivered: "Đã nhận",
  seen: "Đã xem",
  held: "Đang hoãn",
  failed: "Gửi không được",
  suppressed: "Không gửi",
  expired: "Hết hạn, không gửi",
};

/**
 * Live changes: a one-minute token (EventSource cannot send the bearer header), then `change` events. On an
 * error the stream is closed and opened again with a fresh token, a little later each time.
 */
function useInboxStream(onChange: (conversationId: string) => void) {
  const cb = useRef(onChange);
  cb.current = onChange;
  const [live, setLive] = useState(false);
  useEffect(() => {
    let es: EventSource | null = null;
    let stopped = false;
    let wait = 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = async () => {
      try {
        const { token } = await api.post<{ token: string }>("/api/staff/inbox/stream-token");
        if (stopped) return;
        es = new EventSource(`${config.apiUrl}/api/staff/inbox/stream?token=${encodeURIComponent(token)}`);
        es.onopen = () => {
          wait = 1000;
          setLive(true);
        };
        es.addEventListener("change", (e) => cb.current((JSON.parse((e as MessageEvent<string>).data) as { conversationId: string }).conversationId));
        es.onerror = () => {
          es?.close();
          setLive(false);
          retry();
        };
      } catch {
        retry();
      }
    };
    const retry = () => {
      if (stopped) return;
      timer = setTimeout(() => void open(), wait);
      wait = Math.min(30_000, wait * 2);
    };
    void open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      es?.close();
    };
  }, []);
  return live;
}

function dur(ms: number) {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return h >= 72 ? `${Math.floor(h / 24)} ngày ${h % 24} giờ` : `${h} giờ ${m} phút`;
}

/** #/inbox and #/inbox/<id>: the OA's conversations, one open beside the person's profile and timeline. */
export function InboxPage({ id, role }: { id?: string; role: Role }) {
  const [status, setStatus] = useState<"open" | "closed" | "all">("open");
  const [unread, setUnread] = useState(false);
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [who, setWho] = useState("");
  const qs = `status=${status}${unread ? "&unread=true" : ""}${query ? `&q=${encodeURIComponent(query)}` : ""}${who ? `&${who}` : ""}`;
  const list = useLoad(() => api.get<Page>(`/api/staff/inbox?${qs}`), [qs]);
  const [version, setVersion] = useState(0);
  const live = useInboxStream(
    useCallback(
      (cid: string) => {
        void list.reload();
        if (cid === id) setVersion((v) => v + 1);
      },
      [id, list],
    ),
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery(q.trim());
  };

  return (
    <div className={`c-page c-inbox${id ? " c-inbox-has-thread" : ""}`} data-testid="inbox-page">
      <div className="c-inbox-list">
        <div className="c-row c-row-tight">
          <h1>Hộp thư OA</h1>
          <Badge tone={live ? "ok" : "muted"} testId="inbox-live">
            {live ? "Trực tiếp" : "Đang kết nối…"}
          </Badge>
        </div>
        <form className="c-inbox-search" onSubmit={search} role="search">
          <input
            className="c-input"
            placeholder="Tìm theo tên, số điện thoại, nội dung"
            aria-label="Tìm cuộc trò chuyện"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            data-testid="inbox-search"
          />
          <button className="c-btn" aria-label="Tìm">
            <Search size={16} />
          </button>
        </form>
        <div className="c-chips" role="group" aria-label="Lọc">
          {(["open", "closed", "all"] as const).map((s) => (
            <button key={s} type="button" className={`c-chip${status === s ? " on" : ""}`} aria-pressed={status === s} onClick={() => setStatus(s)}>
              {s === "open" ? "Đang mở" : s === "closed" ? "Đã đóng" : "Tất cả"}
            </button>
          ))}
          <button type="button" className={`c-chip${unread ? " on" : ""}`} aria-pressed={unread} onClick={() => setUnread((u) => !u)}>
            Chưa đọc
          </button>
        </div>
        <AssigneeFilter value={who} onChange={setWho} />
        <ErrorBox error={list.error} testId="inbox-error" />
        {!list.data ? (
          !list.error && <Spinner />
        ) : list.data.conversations.length === 0 ? (
          <p className="c-empty" data-testid="inbox-empty">
            Chưa có cuộc trò chuyện nào.
          </p>
        ) : (
          <ul className="c-inbox-items" data-testid="inbox-items">
            {list.data.conversations.map((c) => (
              <li key={c.id}>
                <a href={`#/inbox/${c.id}`} className={`c-inbox-item${c.id === id ? " on" : ""}`} data-testid="inbox-item">
                  <span className="c-inbox-name">{c.customerName || "(không tên)"}</span>
                  {c.unread > 0 && (
                    <span className="c-inbox-unread" aria-label={`${c.unread} tin chưa đọc`}>
                      {c.unread}
                    </span>
                  )}
                  {c.needsPerson && (
                    <span className="c-inbox-needs" data-testid="inbox-needs-person">
                      Cần người trả lời
                    </span>
                  )}
                  <span className="c-inbox-preview c-muted c-small">{c.lastPreview}</span>
                  <span className="c-muted c-small">{fmtDateTime(c.lastMessageAt)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
      {id ? (
        <Thread key={id} id={id} role={role} version={version} onChanged={() => void list.reload()} />
      ) : (
        <div className="c-inbox-none c-muted">Chọn một cuộc trò chuyện để xem và trả lời.</div>
      )}
    </div>
  );
}

function Thread({ id, role, version, onChanged }: { id: string; role: Role; version: number; onChanged: () => void }) {
  // `version`: a live change to this conversation reads it again.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const t = useLoad(() => api.get<ConversationThread>(`/api/staff/inbox/${encodeURIComponent(id)}`), [id, version]);
  const conv = t.data?.conversation;
  // The person, read once for the side panel and the reply box: again on a live change or a new message (their
  // shared name and phone arrive as one).
  const customerId = conv?.customerId;
  const profile = useLoad(
    async () => (customerId ? api.get<{ profile: CustomerProfile }>(`${customerBase(role, customerId)}/profile`) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [customerId, role, version, conv?.lastMessageAt],
  );
  // Opening a conversation reads it: once per unread reading (the parent's renders hand a new onChanged each time,
  // and re-posting on each of them kept the whole page re-rendering under the staff member's clicks).
  const readFor = useRef<ConversationThread["conversation"] | null>(null);
  const changed = useRef(onChanged);
  changed.current = onChanged;
  useEffect(() => {
    if (!conv || conv.unread === 0 || readFor.current === conv) return;
    readFor.current = conv;
    void api.post(`/api/staff/inbox/${encodeURIComponent(id)}/read`).then(
      () => changed.current(),
      () => {},
    );
  }, [conv, id]);
  const bottom = useRef<HTMLDivElement>(null);
  // Braces: newer Chromium returns a promise from scrollIntoView, and React would call it as a cleanup.
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [t.data]);
  const act = useAction();
  const setConvStatus = async (status: "open" | "closed") => {
    if (await act.run(() => api.post(`/api/staff/inbox/${encodeURIComponent(id)}/status`, { status }))) {
      void t.reload();
      onChanged();
    }
  };
  const back = (
    <a href="#/inbox" className="c-back c-inbox-back">
      <ArrowLeft size={16} /> Hộp thư
    </a>
  );
  if (!t.data || !conv)
    return (
      <div className="c-inbox-thread">
        {back}
        {t.error ? <LoadError error={t.error} what="cuộc trò chuyện" back={{ href: "#/inbox", label: "Về hộp thư" }} testId="thread-error" /> : <Spinner />}
      </div>
    );
  return (
    <>
      <div className="c-inbox-thread" data-testid="thread">
        {back}
        <div className="c-row c-row-tight c-inbox-head">
          <h2 data-testid="thread-name">{conv.customerName || "(không tên)"}</h2>
          {conv.status === "open" ? <Badge tone="ok">Đang mở</Badge> : <Badge tone="muted">Đã đóng</Badge>}
          <button
            type="button"
            className="c-btn c-btn-small"
            disabled={act.busy}
            onClick={() => void setConvStatus(conv.status === "open" ? "closed" : "open")}
            data-testid="thread-status"
          >
            {conv.status === "open" ? "Đóng" : "Mở lại"}
          </button>
        </div>
        <AssignBox
          key={`${conv.storeId}:${conv.assigneeId}`}
          conv={conv}
          onAssigned={() => {
            void t.reload();
            onChanged();
          }}
        />
        <ErrorBox error={act.error} />
        <ol className="c-chat" data-testid="chat">
          {t.data.messages.map((m) => (
            <li key={m.id} className={`c-bubble c-bubble-${m.direction}`} data-testid={`msg-${m.direction}`}>
              <MessageBody m={m} />
              <span className="c-bubble-meta c-small">
                {fmtDateTime(m.at)}
                {m.direction === "out" && <Receipt m={m} />}
              </span>
            </li>
          ))}
        </ol>
        <div ref={bottom} />
        <ReplyBox thread={t.data} profile={profile.data?.profile ?? null} onSent={(next) => (t.setData(next), onChanged())} />
      </div>
      <CustomerSide customerId={conv.customerId} role={role} version={version} profile={profile} />
    </>
  );
}

function MessageBody({ m }: { m: ConversationMessage }) {
  const a = m.attachments?.[0] as { type?: string; payload?: Record<string, any> } | undefined;
  const p = a?.payload ?? {};
  return (
    <div className="c-bubble-body">
      {a && (
        <div className="c-bubble-att">
          {a.type === "request_info" ? (
            <span data-testid="msg-request-info">
              <Badge tone="info">{KIND_LABEL.request_info}</Badge> {String(p.title ?? "")}
            </span>
          ) : (a.type === "image" || a.type === "gif" || a.type === "sticker") && typeof (p.thumbnail ?? p.url) === "string" ? (
            <img src={String(p.thumbnail ?? p.url)} alt={KIND_LABEL[a.type] ?? a.type} className="c-bubble-img" />
          ) : (
            <Badge tone="info">{KIND_LABEL[a.type ?? ""] ?? a.type}</Badge>
          )}{" "}
          {a.type === "location" && p.coordinates ? `${p.coordinates.latitude}, ${p.coordinates.longitude}` : null}
          {(a.type === "link" || a.type === "file") && typeof p.url === "string" ? (
            <a href={p.url} target="_blank" rel="noreferrer">
              {p.name ?? p.description ?? p.url}
            </a>
          ) : null}
        </div>
      )}
      {/* Not a Zalo message: what the person said on the mini app's rating page (a low rating). */}
      {m.kind === "rating" && (
        <Badge tone="warn" testId="msg-rating">
          {KIND_LABEL.rating}
        </Badge>
      )}
      {m.text && <div className="c-bubble-text">{m.text}</div>}
      {!a && !m.text && <Badge tone="muted">{KIND_LABEL[m.kind] ?? m.kind}</Badge>}
    </div>
  );
}

const STATE_ICON: Partial<Record<ConversationMessage["state"], typeof Check>> = {
  seen: Eye,
  delivered: CheckCheck,
  sent: Check,
  held: PauseCircle,
  failed: XCircle,
  suppressed: XCircle,
  expired: XCircle,
};

/** Where an OA message stands: queued, sent, delivered, seen (Zalo's receipts), or held / not sent with the dispatcher's reason. */
function Receipt({ m }: { m: ConversationMessage }) {
  const Icon = STATE_ICON[m.state] ?? Clock;
  const bad = m.state === "failed" || m.state === "suppressed" || m.state === "expired";
  return (
    <span
      className={`c-receipt${bad ? " c-text-bad" : ""}`}
      data-testid="receipt"
      data-state={m.state}
      title={m.seenAt ? `Đã xem ${fmtDateTime(m.seenAt)}` : m.deliveredAt ? `Đã nhận ${fmtDateTime(m.deliveredAt)}` : undefined}
    >
      {" · "}
      <Icon size={13} aria-hidden /> {STATE_LABEL[m.state]}
      {m.reason && <span data-testid="receipt-reason">: {sendReasonText(m.reason)}</span>}
      {m.state === "delivered" && m.deliveredAt && <span className="c-muted"> {fmtDateTime(m.deliveredAt)}</span>}
      {m.state === "seen" && m.seenAt && <span className="c-muted"> {fmtDateTime(m.seenAt)}</span>}
    </span>
  );
}

/** How long Zalo lets the shop answer, ticking each minute; closed: the way out is a ZNS template. */
function WindowLine({ lastInboundAt, serverNow }: { lastInboundAt: number | null; serverNow: number }) {
  const skew = useMemo(() => serverNow - Date.now(), [serverNow]);
  const [now, setNow] = useState(() => Date.now() + skew);
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now() + skew), 30_000);
    return () => clearInterval(i);
  }, [skew]);
  const w = replyWindow(lastInboundAt, now);
  if (w.state === "free")
    return (
      <p className="c-small c-inbox-window" data-testid="reply-window">
        <Badge tone="ok">Miễn phí</Badge> còn {dur(w.freeUntil! - now)}, trả lời được thêm {dur(w.closesAt! - now)}
      </p>
    );
  if (w.state === "paid")
    return (
      <p className="c-small c-inbox-window" data-testid="reply-window">
        <Badge tone="warn">Tính phí</Badge> còn {dur(w.closesAt! - now)} để trả lời
      </p>
    );
  return (
    <p className="c-small c-inbox-window" data-testid="reply-window">
      <Badge tone="bad">Đã hết hạn</Badge> Đã quá 7 ngày kể từ tin cuối của khách: Zalo không cho trả lời tư vấn.{" "}
      <a href="#/zns" data-testid="reply-zns">
        Gửi mẫu ZNS
      </a>
    </p>
  );
}

const newRequestId = () => `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Names the CRM gives someone Zalo has not named to us: their real name is missing. */
const NAMELESS = new Set(["", "Zalo follower", "Zalo user"]);

function ReplyBox({ thread, profile, onSent }: { thread: ConversationThread; profile: CustomerProfile | null; onSent: (t: ConversationThread) => void }) {
  const [text, setText] = useState("");
  const requestId = useRef(newRequestId());
  const act = useAction();
  const media = useAction();
  const closed = replyWindow(thread.conversation.lastInboundAt, thread.now).state === "closed";
  const base = `/api/staff/inbox/${encodeURIComponent(thread.conversation.id)}`;
  // A picture goes with what is typed as its caption; one request id per picture (a retry never uploads twice).
  const sendImage = async (file: File | undefined) => {
    if (!file) return;
    const q = `requestId=${encodeURIComponent(requestId.current)}&caption=${encodeURIComponent(text.trim())}`;
    const next = await media.run(() => api.post<ConversationThread>(`${base}/reply-image?${q}`, file));
    if (next) {
      setText("");
      requestId.current = newRequestId();
      onSent(next);
    }
  };
  const askInfo = async () => {
    const next = await media.run(() => api.post<ConversationThread>(`${base}/request-info`, { requestId: requestId.current }));
    if (next) {
      requestId.current = newRequestId();
      onSent(next);
    }
  };
  // The request-for-info button shows when the shop lacks the person's real name or phone.
  const missingInfo = !!profile && (NAMELESS.has((profile.name || thread.conversation.customerName).trim()) || !profile.phoneMasked);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const next = await act.run(() =>
      api.post<ConversationThread>(`/api/staff/inbox/${encodeURIComponent(thread.conversation.id)}/reply`, { text, requestId: requestId.current }),
    );
    if (next) {
      setText("");
      requestId.current = newRequestId();
      onSent(next);
    }
  };
  return (
    <form className="c-inbox-reply" onSubmit={send} data-testid="reply-form">
      <WindowLine lastInboundAt={thread.conversation.lastInboundAt} serverNow={thread.now} />
      <div className="c-row c-row-tight">
        <CannedPicker conversationId={thread.conversation.id} disabled={closed} onPick={setText} />
      </div>
      <textarea
        className="c-input"
        rows={3}
        maxLength={2000}
        aria-label="Tin trả lời"
        placeholder={closed ? "Không thể trả lời tư vấn sau 7 ngày" : "Nhập tin trả lời…"}
        value={text}
        disabled={closed}
        onChange={(e) => setText(e.target.value)}
        data-testid="reply-text"
      />
      <ErrorBox error={act.error ?? media.error} testId="reply-error" fields={{ text: "Tin trả lời", caption: "Chú thích ảnh" }} />
      <div className="c-row c-row-tight c-inbox-actions">
        <button className="c-btn c-btn-primary" disabled={closed || act.busy || !text.trim()} data-testid="reply-send">
          {act.busy ? "Đang gửi…" : "Gửi"}
        </button>
        <label className={`c-btn c-inbox-file${closed || media.busy ? " disabled" : ""}`} title="Ảnh JPG hoặc PNG, tối đa 1 MB; chữ đang nhập là chú thích">
          <ImagePlus size={16} aria-hidden /> {media.busy ? "Đang gửi ảnh…" : "Gửi ảnh"}
          <input
            type="file"
            accept="image/jpeg,image/png"
            disabled={closed || media.busy}
            onChange={(e) => {
              void sendImage(e.target.files?.[0]);
              e.target.value = "";
            }}
            data-testid="reply-image"
          />
        </label>
        {missingInfo && (
          <button type="button" className="c-btn" disabled={closed || media.busy} onClick={() => void askInfo()} data-testid="reply-request-info">
            <UserPlus size={16} aria-hidden /> Xin tên và số điện thoại
          </button>
        )}
      </div>
    </form>
  );
}

/** The profile and timeline routes for the caller: owners the console's, store managers the counter's (their stores' visitors). */
const customerBase = (role: Role, customerId: string) => `/api/${role === "store_manager" ? "staff" : "admin"}/customers/${encodeURIComponent(customerId)}`;

function CustomerSide({
  customerId,
  role,
  version,
  profile: p,
}: {
  customerId: string;
  role: Role;
  version: number;
  profile: { data: { profile: CustomerProfile } | null; error: unknown };
}) {
  const base = customerBase(role, customerId);
  // Read again on a live change, as the profile is.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const tl = useLoad(() => api.get<TimelinePage>(`${base}/timeline?limit=15`), [base, version]);
  const c = p.data?.profile;
  return (
    <aside className="c-inbox-side" data-testid="inbox-customer">
      <Card title="Khách hàng">
        {p.error ? (
          <ErrorBox error={p.error} />
        ) : !c ? (
          <Spinner />
        ) : (
          <div className="c-inbox-profile">
            <strong data-testid="inbox-customer-name">{c.name || "(không tên)"}</strong>
            <span className="c-muted c-small">Mã thành viên {c.memberCode}</span>
            <div className="c-row c-row-tight">
              <Badge tone="info">{c.points.tierName}</Badge>
              <span data-testid="inbox-customer-points">{fmtNumber(c.points.balance)} điểm</span>
              {c.followsOa ? <Badge tone="ok">Đang quan tâm OA</Badge> : <Badge tone="muted">Không quan tâm OA</Badge>}
            </div>
            {role !== "store_manager" && (
              <a
                className="c-small"
                href={`#/customers/${encodeURIComponent(customerId)}`}
                onClick={(e) => (e.preventDefault(), go(`customers/${customerId}`))}
              >
                Mở hồ sơ đầy đủ
              </a>
            )}
          </div>
        )}
      </Card>
      <Card title="Dòng thời gian" testId="inbox-timeline">
        {tl.error ? (
          <ErrorBox error={tl.error} />
        ) : !tl.data ? (
          <Spinner />
        ) : tl.data.items.length === 0 ? (
          <p className="c-empty">Chưa có hoạt động nào.</p>
        ) : (
          <ol className="c-inbox-tl">
            {tl.data.items.map((it: TimelineItem) => (
              <li key={it.key} data-testid="inbox-timeline-item">
                <span className="c-muted c-small">
                  {TIMELINE_LABEL[it.kind]} · {fmtDateTime(it.at)}
                </span>
                <span>{it.title}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </aside>
  );
}
