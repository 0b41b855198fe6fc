CREATE TABLE `menu_images` (
	`id` text PRIMARY KEY NOT NULL,
	`thumb` blob NOT NULL,
	`large` blob NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `products` ADD `image_id` text REFERENCES menu_images(id);--> statement-breakpoint
ALTER TABLE `products` ADD `position` integer DEFAULT 0 NOT NULL;