CREATE TABLE "rate_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" bigint NOT NULL,
	"until_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rate_buckets_until_idx" ON "rate_buckets" USING btree ("until_at");