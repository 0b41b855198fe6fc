CREATE TABLE `dashboard_days` (
	`day` text NOT NULL,
	`figure` text NOT NULL,
	`data` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`day`, `figure`)
);
--> statement-breakpoint
DROP INDEX `follow_events_at_idx`;--> statement-breakpoint
CREATE INDEX `follow_events_at_kind_idx` ON `follow_events` (`at`,`kind`);--> statement-breakpoint
DROP INDEX `outbox_day_idx`;--> statement-breakpoint
DROP INDEX `outbox_ready_idx`;--> statement-breakpoint
CREATE INDEX `outbox_sent_idx` ON `outbox` (`sent_at`,`channel`,`free`,`state`) WHERE (state = 'sent' or state = 'delivered' or state = 'seen');--> statement-breakpoint
CREATE INDEX `outbox_delivered_idx` ON `outbox` (`delivered_at`) WHERE "outbox"."delivered_at" is not null;--> statement-breakpoint
CREATE INDEX `outbox_seen_idx` ON `outbox` (`seen_at`) WHERE "outbox"."seen_at" is not null;--> statement-breakpoint
CREATE INDEX `outbox_ended_idx` ON `outbox` (`updated_at`,`state`,`reason`) WHERE (state = 'held' or state = 'suppressed' or state = 'expired' or state = 'failed' or state = 'cancelled');--> statement-breakpoint
CREATE INDEX `outbox_ready_idx` ON `outbox` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `game_draws_customer_store_idx` ON `game_draws` (`customer_id`,`store_id`,`created_at`);