CREATE TABLE `follower_syncs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`state` text NOT NULL,
	`next_offset` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`seen` integer DEFAULT 0 NOT NULL,
	`new_followers` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`error` text,
	`started_by` text NOT NULL,
	`lease_until` integer,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `follower_syncs_state_idx` ON `follower_syncs` (`state`);