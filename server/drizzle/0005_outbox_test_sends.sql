PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text,
	`to_phone` text,
	`development` integer DEFAULT false NOT NULL,
	`category` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`dedupe_key` text,
	`source` text NOT NULL,
	`text` text,
	`image_url` text,
	`template_id` text,
	`template_data` text,
	`state` text DEFAULT 'queued' NOT NULL,
	`reason` text,
	`not_before` integer,
	`expires_at` integer,
	`channel` text,
	`free` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`zalo_msg_id` text,
	`zalo_error` integer,
	`broadcast_id` text,
	`unfollow_blamed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`seen_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_outbox`("id", "customer_id", "to_phone", "development", "category", "priority", "dedupe_key", "source", "text", "image_url", "template_id", "template_data", "state", "reason", "not_before", "expires_at", "channel", "free", "attempts", "lease_owner", "lease_until", "zalo_msg_id", "zalo_error", "broadcast_id", "unfollow_blamed_at", "created_at", "updated_at", "sent_at", "delivered_at", "seen_at") SELECT "id", "customer_id", NULL, 0, "category", "priority", "dedupe_key", "source", "text", "image_url", "template_id", "template_data", "state", "reason", "not_before", "expires_at", "channel", "free", "attempts", "lease_owner", "lease_until", "zalo_msg_id", "zalo_error", "broadcast_id", "unfollow_blamed_at", "created_at", "updated_at", "sent_at", "delivered_at", "seen_at" FROM `outbox`;--> statement-breakpoint
DROP TABLE `outbox`;--> statement-breakpoint
ALTER TABLE `__new_outbox` RENAME TO `outbox`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_idx` ON `outbox` (`dedupe_key`) WHERE "outbox"."dedupe_key" is not null;--> statement-breakpoint
CREATE INDEX `outbox_ready_idx` ON `outbox` (`state`,`not_before`);--> statement-breakpoint
CREATE INDEX `outbox_customer_sent_idx` ON `outbox` (`customer_id`,`sent_at`) WHERE "outbox"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX `outbox_broadcast_idx` ON `outbox` (`broadcast_id`,`state`) WHERE "outbox"."broadcast_id" is not null;--> statement-breakpoint
CREATE INDEX `outbox_claim_idx` ON `outbox` (`broadcast_id`,"priority" desc) WHERE "outbox"."state" in ('queued', 'held');--> statement-breakpoint
CREATE INDEX `outbox_blamed_idx` ON `outbox` (`broadcast_id`) WHERE "outbox"."unfollow_blamed_at" is not null;--> statement-breakpoint
CREATE INDEX `outbox_zalo_msg_idx` ON `outbox` (`zalo_msg_id`) WHERE "outbox"."zalo_msg_id" is not null;