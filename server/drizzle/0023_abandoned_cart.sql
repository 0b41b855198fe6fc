CREATE TABLE `carts` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`store_id` text NOT NULL,
	`lines` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `carts_customer_store_idx` ON `carts` (`customer_id`,`store_id`);--> statement-breakpoint
-- The recipe (hand-written): a reminder 2 hours after the last change of a cart that still has items and no order.
INSERT INTO `automations` (`id`, `name`, `trigger`, `enabled`, `wait_hours`, `category`, `priority`, `source`, `text`, `expires_hours`, `updated_at`) VALUES
  ('cart-abandoned', 'Nhắc giỏ hàng bị bỏ quên', 'cart_abandoned', 1, 2, 'care', 4, 'cart_abandoned', 'Chào {name}, giỏ hàng của bạn tại {store} vẫn đang chờ: {items}. Mở lại giỏ hàng để đặt món nhé: {link}', 24, 0);
