CREATE TABLE `auto_reply_log` (
	`zalo_msg_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`intent` text,
	`handoff` integer NOT NULL,
	`after_hours_notice` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `auto_reply_log_customer_idx` ON `auto_reply_log` (`customer_id`,`at`);--> statement-breakpoint
CREATE TABLE `auto_reply_rules` (
	`intent` text PRIMARY KEY NOT NULL,
	`keywords` text NOT NULL,
	`priority` integer NOT NULL,
	`enabled` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
