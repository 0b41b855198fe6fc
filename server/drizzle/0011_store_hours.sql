ALTER TABLE `stores` ADD `week` text DEFAULT '{"mon":[{"open":"00:00","close":"24:00"}],"tue":[{"open":"00:00","close":"24:00"}],"wed":[{"open":"00:00","close":"24:00"}],"thu":[{"open":"00:00","close":"24:00"}],"fri":[{"open":"00:00","close":"24:00"}],"sat":[{"open":"00:00","close":"24:00"}],"sun":[{"open":"00:00","close":"24:00"}]}' NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `exceptions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `stores` ADD `closed_reason` text;--> statement-breakpoint
ALTER TABLE `stores` ADD `updated_at` integer;