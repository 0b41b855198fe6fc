CREATE TABLE "rate_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" bigint NOT NULL,
	"until_at" bigint NOT NULL,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "rate_buckets_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	CONSTRAINT "rate_buckets_rowid_unique" UNIQUE("rowid")
);
--> statement-breakpoint
CREATE INDEX "rate_buckets_until_idx" ON "rate_buckets" USING btree ("until_at");