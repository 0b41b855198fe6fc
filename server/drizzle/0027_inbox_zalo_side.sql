ALTER TABLE `customers` ADD `info_shared_at` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `cs_attachment` text;--> statement-breakpoint
ALTER TABLE `stores` ADD `lat` real;--> statement-breakpoint
ALTER TABLE `stores` ADD `lng` real;