CREATE TABLE `automation_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`automation_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`customer_id` text NOT NULL,
	`vars` text DEFAULT '{}' NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`due_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`automation_id`) REFERENCES `automations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_runs_occurrence_idx` ON `automation_runs` (`automation_id`,`occurrence_key`);--> statement-breakpoint
CREATE INDEX `automation_runs_due_idx` ON `automation_runs` (`due_at`) WHERE "automation_runs"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX `automation_runs_customer_idx` ON `automation_runs` (`customer_id`);--> statement-breakpoint
CREATE INDEX `automation_runs_figures_idx` ON `automation_runs` (`automation_id`,`state`,`reason`);--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`wait_hours` real DEFAULT 0 NOT NULL,
	`segment_id` text,
	`category` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`source` text NOT NULL,
	`text` text NOT NULL,
	`image_url` text,
	`template_id` text,
	`template_params` text DEFAULT '{}' NOT NULL,
	`expires_hours` real DEFAULT 24 NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
-- The recipes (hand-written): today's welcome and order notices moved here, with their texts and keys; the
-- first-purchase thank-you and the feedback request wait behind a durable timer.
INSERT INTO `automations` (`id`, `name`, `trigger`, `enabled`, `wait_hours`, `category`, `priority`, `source`, `text`, `expires_hours`, `updated_at`) VALUES
  ('welcome', 'Chào mừng người theo dõi mới', 'follow', 1, 0, 'care', 6, 'welcome', '{welcome}', 24, 0),
  ('order-confirmed', 'Xác nhận đơn hàng', 'order_confirmed', 1, 0, 'transactional', 9, 'order', 'Đơn {code} đã được xác nhận ({total}). Chúng tôi đang chuẩn bị cho bạn!', 24, 0),
  ('order-ready', 'Đơn đã sẵn sàng', 'order_ready', 1, 0, 'transactional', 9, 'order', 'Đơn {code} {pickup}', 2, 0),
  ('order-completed', 'Đơn hoàn tất', 'order_completed', 1, 0, 'transactional', 9, 'order', 'Cảm ơn bạn! Đơn {code} đã hoàn tất{points_line}.', 24, 0),
  ('order-cancelled', 'Đơn bị hủy', 'order_cancelled', 1, 0, 'transactional', 9, 'order', 'Đơn {code} đã bị hủy: {reason}', 24, 0),
  ('first-purchase', 'Cảm ơn lần mua đầu tiên', 'first_purchase', 1, 1, 'care', 5, 'thanks', 'Cảm ơn {name} đã mua hàng lần đầu tại cửa hàng! Hẹn gặp lại bạn sớm.', 24, 0),
  ('order-feedback', 'Xin góp ý sau đơn hàng', 'order_completed', 1, 2, 'care', 4, 'feedback', 'Đơn {code} của bạn thế nào? Trả lời tin nhắn này để góp ý cho cửa hàng nhé!', 24, 0);
--> statement-breakpoint
-- People welcomed before automations existed stay welcomed: a refollow after the upgrade sends no second welcome.
INSERT INTO `automation_runs` (`automation_id`, `occurrence_key`, `customer_id`, `vars`, `state`, `due_at`, `created_at`, `done_at`)
  SELECT 'welcome', `customer_id`, `customer_id`, '{}', 'queued', `created_at`, `created_at`, `created_at` FROM `outbox`
  WHERE `source` = 'welcome' AND `customer_id` IS NOT NULL AND `dedupe_key` = 'welcome:' || `customer_id`
  ON CONFLICT DO NOTHING;
