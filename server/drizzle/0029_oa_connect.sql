CREATE TABLE `oa_connect_states` (
	`state` text PRIMARY KEY NOT NULL,
	`code_verifier` text NOT NULL,
	`admin_user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `env_fingerprint` text;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `source` text DEFAULT 'env' NOT NULL;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `oa_id` text;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `oa_name` text;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `connected_at` integer;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `refresh_lease_until` integer;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `reconnect_since` integer;--> statement-breakpoint
ALTER TABLE `oa_tokens` ADD `reconnect_reason` text;