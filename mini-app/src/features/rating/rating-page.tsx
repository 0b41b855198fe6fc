import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { CheckCircle2, MessageCircleHeart, Star } from "lucide-react";
import type { Rating } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { isLowRating, RATING_COMMENT_MAX } from "@mc/shared/rating-rules";
import { describeError } from "@mc/web/error-messages";
import { fmtDateTime } from "@mc/web/format";
import { BackHeader } from "../../components/back-header";
import { useToast } from "../../components/use-toast";
import { toFailure } from "../../session";
import { useLoad } from "../../lib/use-load";
import { fetchRatingView, submitRating } from "./api";
import "./rating.css";

const WORDS = ["", "Rất tệ", "Chưa hài lòng", "Bình thường", "Hài lòng", "Tuyệt vời"];

function Stars({ value, onPick, size = 40 }: { value: number; onPick?: (n: number) => void; size?: number }) {
  return (
    <div className="rt-stars" role={onPick ? "radiogroup" : "img"} aria-label={onPick ? "Chọn số sao" : `${value} trên 5 sao`}>
      {[1, 2, 3, 4, 5].map((n) =>
        onPick ? (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={value === n}
            aria-label={`${n} sao – ${WORDS[n]}`}
            className={`rt-star${n <= value ? " on" : ""}`}
            onClick={() => onPick(n)}
            data-testid={`rating-star-${n}`}
          >
            <Star size={size} strokeWidth={1.6} />
          </button>
        ) : (
          <span key={n} className={`rt-star${n <= value ? " on" : ""}`}>
            <Star size={size} strokeWidth={1.6} />
          </span>
        ),
      )}
    </div>
  );
}

function Thanks({ rating, fresh }: { rating: Rating; fresh: boolean }) {
  const low = isLowRating(rating.stars);
  return (
    <section className="mc-card rt-thanks" data-testid="rating-done" data-stars={rating.stars}>
      <span className="rt-thanks-icon">{low ? <MessageCircleHeart size={30} /> : <CheckCircle2 size={30} />}</span>
      <h2>{fresh ? "Cảm ơn bạn đã đánh giá!" : "Bạn đã đánh giá đơn này"}</h2>
      <Stars value={rating.stars} size={28} />
      {rating.comment ? <p className="rt-comment">“{rating.comment}”</p> : null}
      <p className="mc-muted">
        {low ? "Rất tiếc vì trải nghiệm chưa tốt. Nhân viên cửa hàng sẽ nhắn cho bạn qua Zalo để khắc phục." : "Góp ý của bạn giúp cửa hàng phục vụ tốt hơn."}
      </p>
      <p className="mc-muted rt-when">Đánh giá lúc {fmtDateTime(rating.at)}</p>
    </section>
  );
}

/** 1–5 stars and a comment for one of the shopper's completed orders, once (the server decides all of it). */
export default function RatingPage() {
  const { orderId = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState(false);
  const { data, error, retry, reload, setData } = useLoad(() => fetchRatingView(orderId), [orderId]);

  async function send() {
    if (!stars || busy || !data) return;
    setBusy(true);
    try {
      const rating = await submitRating(orderId, { stars, comment: comment.trim() });
      setFresh(true);
      setData({ ...data, rateable: false, rating });
    } catch (e) {
      const code = toFailure(e).code;
      toast.error(describeError(code).title);
      if (code === ErrorCode.RATING_EXISTS || code === ErrorCode.ORDER_NOT_RATEABLE) void reload();
    } finally {
      setBusy(false);
    }
  }

  if (!data) {
    return (
      <Page className="mc-page rt-page" hideScrollbar>
        <BackHeader title="Đánh giá đơn hàng" fallback="/orders" />
        {error ? (
          <div className="mc-content">
            <div className="mcl-inline-error" role="alert" data-testid="rating-error">
              <span>{error === ErrorCode.ORDER_NOT_FOUND ? "Không tìm thấy đơn hàng này trong tài khoản của bạn" : describeError(error).title}</span>
              {error !== ErrorCode.ORDER_NOT_FOUND ? (
                <button className="mcl-link" onClick={retry}>
                  Thử lại
                </button>
              ) : null}
            </div>
          </div>
        ) : (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        )}
      </Page>
    );
  }

  const { order, rating } = data;
  return (
    <Page className="mc-page rt-page" hideScrollbar>
      <BackHeader title="Đánh giá đơn hàng" fallback="/orders" />
      <div className="mc-content">
        <section className="mc-card rt-order" data-testid="rating-order">
          <span className="mc-muted">Đơn</span> <b data-testid="rating-order-code">{order.code}</b>
          {order.storeName ? <span className="mc-muted"> · {order.storeName}</span> : null}
          {order.completedAt ? <div className="mc-muted rt-when">Hoàn tất lúc {fmtDateTime(order.completedAt)}</div> : null}
        </section>

        {rating ? (
          <Thanks rating={rating} fresh={fresh} />
        ) : !data.rateable ? (
          <section className="mc-card rt-wait" data-testid="rating-not-yet">
            <p>{order.status === "cancelled" ? "Đơn này đã bị hủy nên không cần đánh giá." : "Đơn này chưa hoàn tất. Bạn có thể đánh giá sau khi nhận đơn."}</p>
            <button className="mc-btn outline" onClick={() => navigate(`/orders/${encodeURIComponent(order.id)}`)}>
              Xem đơn hàng
            </button>
          </section>
        ) : (
          <form
            className="mc-card rt-form"
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
            data-testid="rating-form"
          >
            <h2>Bạn thấy đơn hàng thế nào?</h2>
            <Stars value={stars} onPick={setStars} />
            <p className="rt-word" aria-live="polite" data-testid="rating-word">
              {stars ? WORDS[stars] : "Chạm vào sao để chấm điểm"}
            </p>
            <label className="rt-label" htmlFor="rt-comment">
              Góp ý thêm (không bắt buộc)
            </label>
            <textarea
              id="rt-comment"
              className="rt-textarea"
              rows={3}
              maxLength={RATING_COMMENT_MAX}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={stars && isLowRating(stars) ? "Điều gì làm bạn chưa hài lòng? Cửa hàng sẽ liên hệ lại với bạn." : "Món ngon, phục vụ nhanh…"}
              data-testid="rating-comment"
            />
            <span className="mc-muted rt-count">
              {comment.length}/{RATING_COMMENT_MAX}
            </span>
            <button className="mc-btn primary" type="submit" disabled={!stars || busy} data-testid="rating-submit">
              {busy ? "Đang gửi…" : "Gửi đánh giá"}
            </button>
          </form>
        )}
      </div>
    </Page>
  );
}
