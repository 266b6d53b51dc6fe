CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"partner" text NOT NULL,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"device_name" text,
	"raw" jsonb NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"partner" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"health_status" text NOT NULL,
	"os_platform" text NOT NULL,
	"onboarding_status" text,
	"risk_score" text,
	"exposure_level" text,
	"last_seen_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"seen_pass" text NOT NULL,
	"removed_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_budgets" (
	"key" text PRIMARY KEY NOT NULL,
	"minute_start" timestamp with time zone NOT NULL,
	"minute_count" integer DEFAULT 0 NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"hour_count" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone,
	"throttled" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_streams" (
	"integration_id" uuid NOT NULL,
	"source" text NOT NULL,
	"cursor" jsonb,
	"state" text DEFAULT 'idle' NOT NULL,
	"records" integer DEFAULT 0 NOT NULL,
	"malformed" integer DEFAULT 0 NOT NULL,
	"progress" jsonb,
	"first_completed_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_data_at" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"last_error" jsonb,
	"lease_until" timestamp with time zone,
	CONSTRAINT "sync_streams_integration_id_source_pk" PRIMARY KEY("integration_id","source")
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_streams" ADD CONSTRAINT "sync_streams_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_external" ON "alerts" USING btree ("integration_id","external_id");--> statement-breakpoint
CREATE INDEX "alerts_created" ON "alerts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "alerts_severity_created" ON "alerts" USING btree ("severity","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_external" ON "devices" USING btree ("integration_id","external_id");--> statement-breakpoint
CREATE INDEX "devices_name" ON "devices" USING btree ("name");--> statement-breakpoint
CREATE INDEX "sync_streams_next" ON "sync_streams" USING btree ("next_run_at");