CREATE TABLE `conversation_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`direction` text NOT NULL,
	`kind` text NOT NULL,
	`text` text,
	`search_text` text DEFAULT '' NOT NULL,
	`attachments` text,
	`zalo_msg_id` text,
	`outbox_key` text,
	`author_id` text,
	`state` text NOT NULL,
	`at` integer NOT NULL,
	`delivered_at` integer,
	`seen_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_messages_zalo_msg_id_unique` ON `conversation_messages` (`zalo_msg_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_messages_outbox_key_unique` ON `conversation_messages` (`outbox_key`);--> statement-breakpoint
CREATE INDEX `conversation_messages_thread_idx` ON `conversation_messages` (`conversation_id`,`at`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`store_id` text,
	`assignee_id` text,
	`unread` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer NOT NULL,
	`last_inbound_at` integer,
	`last_preview` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_customer_id_unique` ON `conversations` (`customer_id`);--> statement-breakpoint
CREATE INDEX `conversations_status_idx` ON `conversations` (`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_recent_idx` ON `conversations` (`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_store_idx` ON `conversations` (`store_id`,`status`,`last_message_at`);--> statement-breakpoint
-- Hand-written (drizzle-kit knows no virtual tables): the inbox's search by a message's words, as the CRM's
-- customers_fts does for names (external content over search_text, prefix indexes, newest rowids first).
CREATE VIRTUAL TABLE `conversation_messages_fts` USING fts5(search_text, content='conversation_messages', content_rowid='id', detail=none, columnsize=0, prefix='1 2 3 4 5 6 7');
--> statement-breakpoint
-- An erased person's words leave the index at once.
INSERT INTO conversation_messages_fts(conversation_messages_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
CREATE TRIGGER `conversation_messages_fts_insert` AFTER INSERT ON `conversation_messages` WHEN new.search_text != '' BEGIN
  INSERT INTO conversation_messages_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_messages_fts_delete` AFTER DELETE ON `conversation_messages` WHEN old.search_text != '' BEGIN
  INSERT INTO conversation_messages_fts(conversation_messages_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
