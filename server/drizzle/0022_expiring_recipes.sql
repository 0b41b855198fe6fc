ALTER TABLE `automations` ADD `within_days` integer;--> statement-breakpoint
CREATE INDEX `vouchers_expiring_idx` ON `vouchers` (`expires_at`,`id`) WHERE "vouchers"."status" = 'issued';--> statement-breakpoint
-- The recipes (hand-written): a reminder N days before points or an unused voucher lapse.
INSERT INTO `automations` (`id`, `name`, `trigger`, `enabled`, `wait_hours`, `category`, `priority`, `source`, `text`, `expires_hours`, `within_days`, `updated_at`) VALUES
  ('points-expiring', 'Nhắc điểm sắp hết hạn', 'points_expiring', 1, 0, 'care', 5, 'points_expiring', 'Chào {name}, bạn có {points} điểm sẽ hết hạn vào {date}. Ghé cửa hàng dùng điểm trước ngày đó nhé!', 24, 7, 0),
  ('voucher-expiring', 'Nhắc voucher sắp hết hạn', 'voucher_expiring', 1, 0, 'care', 5, 'voucher_expiring', 'Chào {name}, voucher "{voucher}" của bạn sẽ hết hạn vào {date}. Đừng bỏ lỡ nhé!', 24, 3, 0);
