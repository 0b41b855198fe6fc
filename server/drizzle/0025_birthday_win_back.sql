ALTER TABLE `automations` ADD `voucher_campaign_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `birth_date_consent_at` integer;--> statement-breakpoint
-- The recipes (hand-written). Birthday: on the day in the shop's time zone, with an optional voucher (none until the
-- shop picks a campaign). Win-back: no completed order in N days; shipped off, since a promotion to every lapsed
-- customer is the shop's own decision to take.
INSERT INTO `automations` (`id`, `name`, `trigger`, `enabled`, `wait_hours`, `category`, `priority`, `source`, `text`, `expires_hours`, `within_days`, `updated_at`) VALUES
  ('birthday', 'Chúc mừng sinh nhật', 'birthday', 1, 0, 'care', 5, 'birthday', 'Chúc mừng sinh nhật {name}! Cảm ơn bạn đã luôn ghé cửa hàng, chúc bạn một ngày thật vui. {voucher_line}', 20, NULL, 0),
  ('win-back', 'Mời khách quay lại', 'win_back', 0, 0, 'promotion', 6, 'win_back', 'Lâu rồi không gặp {name}! Đã {days} ngày bạn chưa ghé, cửa hàng nhớ bạn lắm. Ghé lại thưởng thức món quen nhé!', 48, 45, 0);
