ALTER TABLE `orders` ADD `checkout_method` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_report_due` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_reported` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_report_lease` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_report_error` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `refunded_at` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `refunded_by` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `refund_note` text;--> statement-breakpoint
CREATE INDEX `orders_checkout_report_idx` ON `orders` (`checkout_report_due`) WHERE checkout_report_due is not null;--> statement-breakpoint
CREATE INDEX `orders_refund_due_idx` ON `orders` (`cancelled_at`) WHERE payment_status = 'refund_due';