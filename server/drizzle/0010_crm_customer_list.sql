ALTER TABLE `customers` ADD `search_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `phone_rev` text GENERATED ALWAYS AS (substr("phone", 15, 1) || substr("phone", 14, 1) || substr("phone", 13, 1) || substr("phone", 12, 1) || substr("phone", 11, 1) || substr("phone", 10, 1) || substr("phone", 9, 1) || substr("phone", 8, 1) || substr("phone", 7, 1) || substr("phone", 6, 1) || substr("phone", 5, 1) || substr("phone", 4, 1) || substr("phone", 3, 1) || substr("phone", 2, 1) || substr("phone", 1, 1)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `customers_search_name_idx` ON `customers` (`search_name`);--> statement-breakpoint
CREATE INDEX `customers_phone_rev_idx` ON `customers` (`phone_rev`);--> statement-breakpoint
CREATE INDEX `customers_points_idx` ON `customers` (`points_balance`);--> statement-breakpoint
CREATE INDEX `customers_last_interaction_idx` ON `customers` (coalesce("last_interaction_at", 0));--> statement-breakpoint
-- Hand-written (drizzle-kit knows no virtual tables): the CRM's name search. FTS5 over customers.search_name
-- (external content: the words live in the customers row, the index only holds which rowids have them),
-- detail=none because only "which rows" is asked, prefix indexes for 1 to 7 letters (a Vietnamese syllable
-- has at most 7) so a typed prefix reads one doclist lazily, newest first, instead of FTS5 merging every
-- word it starts into memory (400 ms for "nguyen" over a million names; 3 ms with the index). The triggers keep it in step with every write of the
-- column, whoever makes it. Rowids: customers has no INTEGER PRIMARY KEY, so after a VACUUM run
-- `insert into customers_fts(customers_fts) values ('rebuild')`.
CREATE VIRTUAL TABLE `customers_fts` USING fts5(search_name, content='customers', content_rowid='rowid', detail=none, columnsize=0, prefix='1 2 3 4 5 6 7');
--> statement-breakpoint
-- A delete (an erasure, a rename) takes the words out of the index at once, not merely marks them deleted
-- in a segment until some later merge: an erased person's name must not linger in the file.
INSERT INTO customers_fts(customers_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
CREATE TRIGGER `customers_fts_insert` AFTER INSERT ON `customers` WHEN new.search_name != '' BEGIN
  INSERT INTO customers_fts(rowid, search_name) VALUES (new.rowid, new.search_name);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_update` AFTER UPDATE OF search_name ON `customers` WHEN old.search_name IS NOT new.search_name BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_name) SELECT 'delete', old.rowid, old.search_name WHERE old.search_name != '';
  INSERT INTO customers_fts(rowid, search_name) SELECT new.rowid, new.search_name WHERE new.search_name != '';
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_delete` AFTER DELETE ON `customers` WHEN old.search_name != '' BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
END;
