DROP INDEX `order_lines_order_idx`;--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`,`quantity`);--> statement-breakpoint
DROP INDEX `points_ledger_window_idx`;--> statement-breakpoint
CREATE INDEX `points_ledger_window_idx` ON `points_ledger` (`customer_id`,`created_at`,`earned_to_date`,`delta`,`expires_at`);