CREATE TABLE `voucher_counter_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`voucher_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `voucher_counter_codes_expiry_idx` ON `voucher_counter_codes` (`expires_at`);