ALTER TABLE "admin_user_stores" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "admin_user_stores_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "admin_users" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "admin_users_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "auto_reply_log" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "auto_reply_log_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "auto_reply_rules" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "auto_reply_rules_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "automations" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "automations_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "broadcasts_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "canned_answers" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "canned_answers_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "carts" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "carts_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "conversations_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "customer_notes" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "customer_notes_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "customer_tags" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "customer_tags_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "customers_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "dashboard_days" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "dashboard_days_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "game_campaigns" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "game_campaigns_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "game_draws" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "game_draws_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "game_prizes" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "game_prizes_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "job_leases" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "job_leases_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "menu_categories" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "menu_categories_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "menu_images" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "menu_images_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "oa_connect_states" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "oa_connect_states_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "order_ratings" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "order_ratings_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "orders_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "product_stores" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "product_stores_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "products_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "segment_versions" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "segment_versions_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "segments_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "staff_stores" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "staff_stores_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "stores_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "voucher_campaigns" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "voucher_campaigns_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "voucher_counter_codes" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "voucher_counter_codes_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "vouchers_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "zns_templates" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "zns_templates_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "admin_user_stores" ADD CONSTRAINT "admin_user_stores_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "admin_users" ADD CONSTRAINT "admin_users_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "auto_reply_log" ADD CONSTRAINT "auto_reply_log_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "auto_reply_rules" ADD CONSTRAINT "auto_reply_rules_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "automations" ADD CONSTRAINT "automations_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "canned_answers" ADD CONSTRAINT "canned_answers_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "carts" ADD CONSTRAINT "carts_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "customer_notes" ADD CONSTRAINT "customer_notes_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "dashboard_days" ADD CONSTRAINT "dashboard_days_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "game_campaigns" ADD CONSTRAINT "game_campaigns_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "game_draws" ADD CONSTRAINT "game_draws_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "game_prizes" ADD CONSTRAINT "game_prizes_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "job_leases" ADD CONSTRAINT "job_leases_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "menu_categories" ADD CONSTRAINT "menu_categories_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "menu_images" ADD CONSTRAINT "menu_images_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "oa_connect_states" ADD CONSTRAINT "oa_connect_states_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "order_ratings" ADD CONSTRAINT "order_ratings_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "product_stores" ADD CONSTRAINT "product_stores_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "segment_versions" ADD CONSTRAINT "segment_versions_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "staff_stores" ADD CONSTRAINT "staff_stores_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "voucher_campaigns" ADD CONSTRAINT "voucher_campaigns_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "voucher_counter_codes" ADD CONSTRAINT "voucher_counter_codes_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_rowid_unique" UNIQUE("rowid");--> statement-breakpoint
ALTER TABLE "zns_templates" ADD CONSTRAINT "zns_templates_rowid_unique" UNIQUE("rowid");