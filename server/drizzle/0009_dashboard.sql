CREATE INDEX `game_draws_created_idx` ON `game_draws` (`created_at`,`store_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `outbox_day_idx` ON `outbox` (`created_at`,`state`,`channel`,`free`,`reason`);--> statement-breakpoint
CREATE INDEX `points_ledger_created_idx` ON `points_ledger` (`created_at`,`kind`,`delta`);--> statement-breakpoint
CREATE INDEX `vouchers_redeemed_idx` ON `vouchers` (`redeemed_at`,`redeemed_store_id`) WHERE "vouchers"."redeemed_at" is not null;