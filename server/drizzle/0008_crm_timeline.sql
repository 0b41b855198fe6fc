CREATE TABLE `customer_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`author_kind` text NOT NULL,
	`author_id` text NOT NULL,
	`author_name` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_notes_customer_idx` ON `customer_notes` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `follow_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`source` text,
	`at` integer NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_events_customer_idx` ON `follow_events` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `follow_events_at_idx` ON `follow_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_person_idx` ON `audit_log` (`target_id`,`at`) WHERE action in ('role.set', 'customer.tags', 'points.adjust', 'customer.erase', 'customer.export');--> statement-breakpoint
CREATE INDEX `game_draws_timeline_idx` ON `game_draws` (`customer_id`,coalesce(settled_at, created_at),`created_at`);--> statement-breakpoint
CREATE INDEX `orders_timeline_idx` ON `orders` (`customer_id`,max(created_at, coalesce(confirmed_at, 0), coalesce(ready_at, 0), coalesce(completed_at, 0), coalesce(cancelled_at, 0)),`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_customer_idx` ON `outbox` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `vouchers_timeline_idx` ON `vouchers` (`customer_id`,max(issued_at, expires_at, coalesce(redeemed_at, 0), coalesce(voided_at, 0)),`issued_at`);--> statement-breakpoint
-- The follow history starts from what the customers' columns know: their latest follow and unfollow.
INSERT INTO `follow_events` (`customer_id`, `kind`, `source`, `at`, `received_at`)
SELECT `id`, 'follow', 'backfill', `followed_at`, `followed_at` FROM `customers` WHERE `followed_at` IS NOT NULL
UNION ALL
SELECT `id`, 'unfollow', 'backfill', `unfollowed_at`, `unfollowed_at` FROM `customers` WHERE `unfollowed_at` IS NOT NULL
ORDER BY 4;
