CREATE TABLE "job_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text,
	"lease_until" bigint,
	"last_started_at" bigint,
	"last_finished_at" bigint,
	"runs" bigint DEFAULT 0 NOT NULL,
	"checkpoint" text,
	"updated_at" bigint NOT NULL
);
