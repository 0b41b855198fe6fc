-- Hand-written. Text must sort as bytes, as SQLite's BINARY collation does: keyset pages over names and ids, and
-- "ends in 5678" as a prefix range on phone_rev, return what they return on SQLite only then. A linguistic
-- collation (en_US, ICU) sorts 'a' before 'B' and é before z, so it is refused here, before anything is written
-- (drizzle applies the pending migrations in one transaction).
DO $$ BEGIN
  IF NOT ('B' < 'a' AND 'a b' < 'a-b' AND 'a-b' < 'a0' AND 'é' > 'z') THEN
    RAISE EXCEPTION 'this database sorts text by language, not as bytes as Master Channel needs: create it with LC_COLLATE ''C'' (CREATE DATABASE mc TEMPLATE template0 LC_COLLATE ''C'' LC_CTYPE ''C.UTF-8'')';
  END IF;
END $$;
--> statement-breakpoint
-- Hand-written (drizzle-kit knows no expression GIN indexes): the word search SQLite does with FTS5
-- (customers_fts over search_name, conversation_messages_fts over search_text; sqlite 0010 and 0020).
-- PostgreSQL's equivalent is a GIN index over the column's tsvector: the columns are already normalised by the
-- repos (lower case, no marks, đ → d), so the 'simple' configuration (no stemming, no stop words) splits them
-- into the same words, and a typed prefix is `to_tsvector('simple', search_name) @@ to_tsquery('simple', 'nguy:*')`.
-- An expression index is kept in step by PostgreSQL itself, so SQLite's three triggers per table have no twin.
-- FTS5's secure-delete has none either: a deleted or renamed row's words leave the index at its next VACUUM
-- (autovacuum), which an erasure on PostgreSQL must run or wait for.
CREATE INDEX "customers_search_name_tsv_idx" ON "customers" USING gin (to_tsvector('simple', "search_name"));
--> statement-breakpoint
CREATE INDEX "conversation_messages_search_text_tsv_idx" ON "conversation_messages" USING gin (to_tsvector('simple', "search_text"));
--> statement-breakpoint
-- The rows SQLite's migrations ship (0019, 0022–0025, 0028: the automation recipes and canned answers), as they
-- stand after the last of them; a test compares them with a freshly migrated SQLite database's.
INSERT INTO "automations" ("id", "name", "trigger", "enabled", "wait_hours", "segment_id", "category", "priority", "source", "text", "image_url", "template_id", "template_params", "expires_hours", "updated_by", "updated_at", "within_days", "voucher_campaign_id", "conditions") VALUES
  ('birthday', 'Chúc mừng sinh nhật', 'birthday', true, 0, NULL, 'care', 5, 'birthday', 'Chúc mừng sinh nhật {name}! Cảm ơn bạn đã luôn ghé cửa hàng, chúc bạn một ngày thật vui. {voucher_line}', NULL, NULL, '{}', 20, NULL, 0, NULL, NULL, '[]'),
  ('cart-abandoned', 'Nhắc giỏ hàng bị bỏ quên', 'cart_abandoned', true, 2, NULL, 'care', 4, 'cart_abandoned', 'Chào {name}, giỏ hàng của bạn tại {store} vẫn đang chờ: {items}. Mở lại giỏ hàng để đặt món nhé: {link}', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('first-purchase', 'Cảm ơn lần mua đầu tiên', 'first_purchase', true, 1, NULL, 'care', 5, 'thanks', 'Cảm ơn {name} đã mua hàng lần đầu tại cửa hàng! Hẹn gặp lại bạn sớm.', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('order-cancelled', 'Đơn bị hủy', 'order_cancelled', true, 0, NULL, 'transactional', 9, 'order', 'Đơn {code} đã bị hủy: {reason}', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('order-completed', 'Đơn hoàn tất', 'order_completed', true, 0, NULL, 'transactional', 9, 'order', 'Cảm ơn bạn! Đơn {code} đã hoàn tất{points_line}.', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('order-confirmed', 'Xác nhận đơn hàng', 'order_confirmed', true, 0, NULL, 'transactional', 9, 'order', 'Đơn {code} đã được xác nhận ({total}). Chúng tôi đang chuẩn bị cho bạn!', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('order-feedback', 'Xin góp ý sau đơn hàng', 'order_completed', true, 2, NULL, 'care', 4, 'feedback', 'Đơn {code} của bạn thế nào? Chấm điểm và góp ý cho cửa hàng tại đây nhé: {rating_link}', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('order-ready', 'Đơn đã sẵn sàng', 'order_ready', true, 0, NULL, 'transactional', 9, 'order', 'Đơn {code} {pickup}', NULL, NULL, '{}', 2, NULL, 0, NULL, NULL, '[]'),
  ('points-expiring', 'Nhắc điểm sắp hết hạn', 'points_expiring', true, 0, NULL, 'care', 5, 'points_expiring', 'Chào {name}, bạn có {points} điểm sẽ hết hạn vào {date}. Ghé cửa hàng dùng điểm trước ngày đó nhé!', NULL, NULL, '{}', 24, NULL, 0, 7, NULL, '[]'),
  ('voucher-expiring', 'Nhắc voucher sắp hết hạn', 'voucher_expiring', true, 0, NULL, 'care', 5, 'voucher_expiring', 'Chào {name}, voucher "{voucher}" của bạn sẽ hết hạn vào {date}. Đừng bỏ lỡ nhé!', NULL, NULL, '{}', 24, NULL, 0, 3, NULL, '[]'),
  ('welcome', 'Chào mừng người theo dõi mới', 'follow', true, 0, NULL, 'care', 6, 'welcome', '{welcome}', NULL, NULL, '{}', 24, NULL, 0, NULL, NULL, '[]'),
  ('win-back', 'Mời khách quay lại', 'win_back', false, 0, NULL, 'promotion', 6, 'win_back', 'Lâu rồi không gặp {name}! Đã {days} ngày bạn chưa ghé, cửa hàng nhớ bạn lắm. Ghé lại thưởng thức món quen nhé!', NULL, NULL, '{}', 48, NULL, 0, 45, NULL, '[]');
--> statement-breakpoint
INSERT INTO "canned_answers" ("id", "label", "text", "position", "created_at", "updated_at") VALUES
  ('greet', 'Chào khách', 'Chào {name}, cảm ơn bạn đã nhắn cho shop! Shop có thể giúp gì cho bạn ạ?', 1, 0, 0),
  ('last-order', 'Đơn gần nhất', 'Chào {name}, đơn gần nhất của bạn là {last_order}. Shop kiểm tra và báo lại bạn ngay ạ.', 3, 0, 0),
  ('points', 'Điểm tích lũy', 'Chào {name}, bạn đang có {points} điểm tích lũy. Bạn có thể dùng điểm để đổi ưu đãi trong mini app ạ.', 2, 0, 0),
  ('thanks', 'Cảm ơn', 'Cảm ơn {name} đã ủng hộ shop. Hẹn gặp lại bạn sớm!', 4, 0, 0);
