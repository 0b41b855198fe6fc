CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text,
	`lease_until` integer,
	`last_started_at` integer,
	`last_finished_at` integer,
	`runs` integer DEFAULT 0 NOT NULL,
	`checkpoint` text,
	`updated_at` integer NOT NULL
);
