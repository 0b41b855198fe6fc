CREATE INDEX `game_draws_created_idx` ON `game_draws` (`created_at`,`store_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `outbox_day_idx` ON `outbox` (`created_at`,`state`,`channel`,`free`,`reason`);--> statement-breakpoint
CREATE INDEX `points_ledger_created_idx` ON `points_ledger` (`created_at`,`kind`,`delta`);--> statement-breakpoint
CREATE INDEX `vouchers_redeemed_idx` ON `vouchers` (`redeemed_at`,`redeemed_store_id`) WHERE "vouchers"."redeemed_at" is not null;--> statement-breakpoint
-- Follow and unfollow events (the oa module's, written by the timeline work; its schema.ts entry lands with
-- it). Created here only if absent so the dashboard's followers figures have their table either way.
CREATE TABLE IF NOT EXISTS follow_events (id integer primary key autoincrement, customer_id text not null references customers(id), kind text not null, source text, at integer not null, received_at integer not null);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS follow_events_customer_idx ON follow_events (customer_id, at);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS follow_events_at_idx ON follow_events (at);
