CREATE TABLE `admin_users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_users_email_unique` ON `admin_users` (`email`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`target_id` text,
	`store_id` text,
	`details` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_target_idx` ON `audit_log` (`target_id`);--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`text` text,
	`image_url` text,
	`template_id` text,
	`template_data` text,
	`audience` text NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`scheduled_at` integer,
	`expires_at` integer,
	`breaker_rate` real DEFAULT 0.02 NOT NULL,
	`breaker_min_sent` integer DEFAULT 200 NOT NULL,
	`recipients` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `customer_tags` (
	`customer_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`customer_id`, `tag`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `customer_tags_tag_idx` ON `customer_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`zalo_id` text,
	`zalo_oa_id` text,
	`phone` text,
	`name` text NOT NULL,
	`avatar` text,
	`role` text DEFAULT 'customer' NOT NULL,
	`follows_oa` integer DEFAULT false NOT NULL,
	`followed_at` integer,
	`unfollowed_at` integer,
	`last_interaction_at` integer,
	`points_balance` integer DEFAULT 0 NOT NULL,
	`prefs` text DEFAULT '{}' NOT NULL,
	`fatigue_until` integer,
	`member_code` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_zalo_id_unique` ON `customers` (`zalo_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `customers_zalo_oa_id_unique` ON `customers` (`zalo_oa_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `customers_member_code_unique` ON `customers` (`member_code`);--> statement-breakpoint
CREATE INDEX `customers_phone_idx` ON `customers` (`phone`);--> statement-breakpoint
CREATE TABLE `game_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`store_ids` text DEFAULT '[]' NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`plays_per_day` integer DEFAULT 1 NOT NULL,
	`plays_per_customer` integer,
	`daily_prize_budget_per_store` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `game_draws` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`drawn_prize_id` text NOT NULL,
	`prize_id` text NOT NULL,
	`win` integer NOT NULL,
	`fallback_reason` text,
	`requires_follow` integer DEFAULT false NOT NULL,
	`state` text NOT NULL,
	`voucher_id` text,
	`points` integer,
	`request_key` text,
	`created_at` integer NOT NULL,
	`settled_at` integer,
	`settle_reason` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `game_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`drawn_prize_id`) REFERENCES `game_prizes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prize_id`) REFERENCES `game_prizes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `game_draws_request_key_unique` ON `game_draws` (`request_key`);--> statement-breakpoint
CREATE INDEX `game_draws_customer_idx` ON `game_draws` (`customer_id`,`campaign_id`,`day`);--> statement-breakpoint
CREATE INDEX `game_draws_store_day_idx` ON `game_draws` (`campaign_id`,`store_id`,`day`,`win`);--> statement-breakpoint
CREATE INDEX `game_draws_pending_idx` ON `game_draws` (`customer_id`,`state`);--> statement-breakpoint
CREATE INDEX `game_draws_campaign_idx` ON `game_draws` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `game_prizes` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`voucher_campaign_id` text,
	`points` integer,
	`weight` integer NOT NULL,
	`stock` integer,
	`won` integer DEFAULT 0 NOT NULL,
	`requires_follow` integer DEFAULT false NOT NULL,
	`retired` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `game_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voucher_campaign_id`) REFERENCES `voucher_campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `game_prizes_campaign_idx` ON `game_prizes` (`campaign_id`,`position`);--> statement-breakpoint
CREATE TABLE `loyalty_rules` (
	`version` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rules` text NOT NULL,
	`changed_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `menu_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oa_tokens` (
	`id` integer PRIMARY KEY NOT NULL,
	`access_token` text NOT NULL,
	`refresh_token` text NOT NULL,
	`expires_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`product_id` text NOT NULL,
	`name` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_vnd` integer NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`line_total_vnd` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`customer_id` text NOT NULL,
	`store_id` text NOT NULL,
	`status` text NOT NULL,
	`pickup_type` text NOT NULL,
	`pickup_at` integer,
	`table_label` text,
	`payment_method` text NOT NULL,
	`payment_status` text DEFAULT 'unpaid' NOT NULL,
	`subtotal_vnd` integer NOT NULL,
	`discount_vnd` integer DEFAULT 0 NOT NULL,
	`total_vnd` integer NOT NULL,
	`voucher_id` text,
	`voucher_state` text,
	`request_key` text NOT NULL,
	`checkout_order_id` text,
	`zalo_trans_id` text,
	`points_earned` integer DEFAULT 0 NOT NULL,
	`points_reversed` integer DEFAULT 0 NOT NULL,
	`points_shortfall` integer DEFAULT 0 NOT NULL,
	`cancel_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`confirmed_at` integer,
	`ready_at` integer,
	`completed_at` integer,
	`cancelled_at` integer,
	`paid_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_code_unique` ON `orders` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_request_key_unique` ON `orders` (`request_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_checkout_order_id_unique` ON `orders` (`checkout_order_id`);--> statement-breakpoint
CREATE INDEX `orders_customer_idx` ON `orders` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_store_status_idx` ON `orders` (`store_id`,`status`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_voucher_live_idx` ON `orders` (`voucher_id`) WHERE voucher_id is not null and status in ('placed','confirmed','ready');--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`category` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`dedupe_key` text,
	`source` text NOT NULL,
	`text` text,
	`image_url` text,
	`template_id` text,
	`template_data` text,
	`state` text DEFAULT 'queued' NOT NULL,
	`reason` text,
	`not_before` integer,
	`expires_at` integer,
	`channel` text,
	`free` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`zalo_msg_id` text,
	`zalo_error` integer,
	`broadcast_id` text,
	`unfollow_blamed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`seen_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_idx` ON `outbox` (`dedupe_key`) WHERE "outbox"."dedupe_key" is not null;--> statement-breakpoint
CREATE INDEX `outbox_ready_idx` ON `outbox` (`state`,`not_before`);--> statement-breakpoint
CREATE INDEX `outbox_customer_sent_idx` ON `outbox` (`customer_id`,`sent_at`) WHERE "outbox"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX `outbox_broadcast_idx` ON `outbox` (`broadcast_id`,`state`) WHERE "outbox"."broadcast_id" is not null;--> statement-breakpoint
CREATE INDEX `outbox_zalo_msg_idx` ON `outbox` (`zalo_msg_id`) WHERE "outbox"."zalo_msg_id" is not null;--> statement-breakpoint
CREATE TABLE `points_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`delta` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`reason` text NOT NULL,
	`source_key` text NOT NULL,
	`store_id` text,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `points_ledger_source_key_unique` ON `points_ledger` (`source_key`);--> statement-breakpoint
CREATE INDEX `points_ledger_customer_idx` ON `points_ledger` (`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `points_ledger_expiry_idx` ON `points_ledger` (`expires_at`);--> statement-breakpoint
CREATE INDEX `points_ledger_earn_idx` ON `points_ledger` (`customer_id`,`kind`,`created_at`,`delta`);--> statement-breakpoint
CREATE TABLE `product_stores` (
	`product_id` text NOT NULL,
	`store_id` text NOT NULL,
	`available` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`product_id`, `store_id`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `product_stores_store_idx` ON `product_stores` (`store_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`category_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`price_vnd` integer NOT NULL,
	`image_url` text,
	`option_groups` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `menu_categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category_id`);--> statement-breakpoint
CREATE TABLE `staff_stores` (
	`customer_id` text NOT NULL,
	`store_id` text NOT NULL,
	PRIMARY KEY(`customer_id`, `store_id`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `stores` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `voucher_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`max_discount_vnd` integer,
	`free_item` text,
	`min_spend_vnd` integer DEFAULT 0 NOT NULL,
	`stock` integer,
	`issued` integer DEFAULT 0 NOT NULL,
	`per_customer_limit` integer DEFAULT 1 NOT NULL,
	`valid_from` integer,
	`valid_to` integer,
	`valid_days_after_claim` integer,
	`cost_points` integer DEFAULT 0 NOT NULL,
	`store_ids` text DEFAULT '[]' NOT NULL,
	`requires_follow` integer DEFAULT false NOT NULL,
	`listed` integer DEFAULT true NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`code` text NOT NULL,
	`status` text DEFAULT 'issued' NOT NULL,
	`source` text NOT NULL,
	`source_key` text,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`redeemed_at` integer,
	`redeemed_store_id` text,
	`redeemed_by` text,
	`voided_at` integer,
	`void_reason` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `voucher_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_code_unique` ON `vouchers` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_source_key_unique` ON `vouchers` (`source_key`);--> statement-breakpoint
CREATE INDEX `vouchers_customer_idx` ON `vouchers` (`customer_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `vouchers_campaign_customer_idx` ON `vouchers` (`campaign_id`,`customer_id`);--> statement-breakpoint
CREATE TABLE `warming_rules` (
	`version` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rules` text NOT NULL,
	`changed_by` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`event_name` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_dedupe_idx` ON `webhook_events` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `zns_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`tag` integer NOT NULL,
	`params` text NOT NULL,
	`uid` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
