DROP INDEX `order_lines_order_idx`;--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`,`quantity`);--> statement-breakpoint
DROP INDEX `points_ledger_window_idx`;--> statement-breakpoint
CREATE INDEX `points_ledger_store_visit_idx` ON `points_ledger` (`store_id`,`created_at`,`customer_id`) WHERE "points_ledger"."kind" = 'earn' and "points_ledger"."store_id" is not null;--> statement-breakpoint
CREATE INDEX `points_ledger_window_idx` ON `points_ledger` (`customer_id`,`created_at`,`earned_to_date`,`delta`,`expires_at`);--> statement-breakpoint
CREATE INDEX `customers_earned_total_idx` ON `customers` (`points_earned_total`);--> statement-breakpoint
CREATE INDEX `customers_birth_month_idx` ON `customers` (cast(substr("birth_date", -5, 2) as integer));--> statement-breakpoint
CREATE INDEX `orders_completed_idx` ON `orders` (`customer_id`,`completed_at`,`total_vnd`,`store_id`) WHERE "orders"."status" = 'completed';--> statement-breakpoint
CREATE INDEX `orders_completed_store_idx` ON `orders` (`store_id`,`completed_at`,`customer_id`) WHERE "orders"."status" = 'completed';--> statement-breakpoint
CREATE INDEX `vouchers_customer_redeemed_idx` ON `vouchers` (`customer_id`,`redeemed_at`,`redeemed_store_id`) WHERE "vouchers"."status" = 'redeemed' and "vouchers"."redeemed_store_id" is not null;--> statement-breakpoint
CREATE INDEX `vouchers_redeemed_store_idx` ON `vouchers` (`redeemed_store_id`,`redeemed_at`,`customer_id`) WHERE "vouchers"."status" = 'redeemed' and "vouchers"."redeemed_store_id" is not null;