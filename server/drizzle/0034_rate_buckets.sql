CREATE TABLE `rate_buckets` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`until_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_buckets_until_idx` ON `rate_buckets` (`until_at`);