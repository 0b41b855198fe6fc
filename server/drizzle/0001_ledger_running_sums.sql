DROP INDEX `audit_target_idx`;--> statement-breakpoint
DROP INDEX `points_ledger_customer_idx`;--> statement-breakpoint
DROP INDEX `points_ledger_earn_idx`;--> statement-breakpoint
ALTER TABLE `points_ledger` ADD `earned_to_date` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `points_ledger_window_idx` ON `points_ledger` (`customer_id`,`created_at`,`earned_to_date`);--> statement-breakpoint
ALTER TABLE `customers` ADD `points_earned_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: each entry's running earn total in insert order, and each customer's total so far.
UPDATE `points_ledger` SET `earned_to_date` = r.`total` FROM (SELECT `id`, sum(CASE WHEN `kind` = 'earn' THEN `delta` ELSE 0 END) OVER (PARTITION BY `customer_id` ORDER BY `id`) AS `total` FROM `points_ledger`) AS r WHERE r.`id` = `points_ledger`.`id`;--> statement-breakpoint
UPDATE `customers` SET `points_earned_total` = coalesce((SELECT sum(l.`delta`) FROM `points_ledger` l WHERE l.`customer_id` = `customers`.`id` AND l.`kind` = 'earn'), 0);
