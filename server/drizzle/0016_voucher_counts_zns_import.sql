ALTER TABLE `zns_templates` ADD `zalo_status` text DEFAULT 'ENABLE' NOT NULL;--> statement-breakpoint
ALTER TABLE `zns_templates` ADD `zalo_name` text;--> statement-breakpoint
ALTER TABLE `zns_templates` ADD `price_vnd` integer;--> statement-breakpoint
ALTER TABLE `zns_templates` ADD `synced_at` integer;--> statement-breakpoint
ALTER TABLE `zns_templates` ADD `disabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `vouchers_campaign_status_idx` ON `vouchers` (`campaign_id`,`status`,`redeemed_store_id`,`expires_at`);