CREATE TABLE `canned_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`text` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conversation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`store_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_events_at_idx` ON `conversation_events` (`at`);--> statement-breakpoint
ALTER TABLE `conversation_messages` ADD `reason` text;--> statement-breakpoint
-- The starting canned answers (hand-written): the shop edits them in the console.
INSERT INTO `canned_answers` (`id`, `label`, `text`, `position`, `created_at`, `updated_at`) VALUES
  ('greet', 'Chào khách', 'Chào {name}, cảm ơn bạn đã nhắn cho shop! Shop có thể giúp gì cho bạn ạ?', 1, 0, 0),
  ('points', 'Điểm tích lũy', 'Chào {name}, bạn đang có {points} điểm tích lũy. Bạn có thể dùng điểm để đổi ưu đãi trong mini app ạ.', 2, 0, 0),
  ('last-order', 'Đơn gần nhất', 'Chào {name}, đơn gần nhất của bạn là {last_order}. Shop kiểm tra và báo lại bạn ngay ạ.', 3, 0, 0),
  ('thanks', 'Cảm ơn', 'Cảm ơn {name} đã ủng hộ shop. Hẹn gặp lại bạn sớm!', 4, 0, 0);
