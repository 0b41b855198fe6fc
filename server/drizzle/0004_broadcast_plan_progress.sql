ALTER TABLE `broadcasts` ADD `planned_through` integer;--> statement-breakpoint
CREATE INDEX `outbox_claim_idx` ON `outbox` (`broadcast_id`,"priority" desc) WHERE "outbox"."state" in ('queued', 'held');--> statement-breakpoint
CREATE INDEX `outbox_blamed_idx` ON `outbox` (`broadcast_id`) WHERE "outbox"."unfollow_blamed_at" is not null;