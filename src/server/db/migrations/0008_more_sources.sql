CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"partner" text NOT NULL,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"assigned_to" text,
	"alert_count" integer DEFAULT 0 NOT NULL,
	"portal_url" text,
	"raw" jsonb NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "software" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"partner" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"vendor" text,
	"weaknesses" integer DEFAULT 0 NOT NULL,
	"exposed_devices" integer DEFAULT 0 NOT NULL,
	"public_exploit" boolean DEFAULT false NOT NULL,
	"raw" jsonb NOT NULL,
	"seen_pass" text NOT NULL,
	"removed_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vulnerabilities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"partner" text NOT NULL,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"cvss_score" real,
	"exposed_devices" integer DEFAULT 0 NOT NULL,
	"public_exploit" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"updated_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"seen_pass" text NOT NULL,
	"removed_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "evidence" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "portal_url" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "portal_url" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "sync_issue" jsonb;--> statement-breakpoint
ALTER TABLE "sync_streams" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "sync_streams" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "software" ADD CONSTRAINT "software_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vulnerabilities" ADD CONSTRAINT "vulnerabilities_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_external" ON "incidents" USING btree ("integration_id","external_id");--> statement-breakpoint
CREATE INDEX "incidents_created" ON "incidents" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "software_external" ON "software" USING btree ("integration_id","external_id");--> statement-breakpoint
CREATE INDEX "software_exposed" ON "software" USING btree ("exposed_devices");--> statement-breakpoint
CREATE UNIQUE INDEX "vulnerabilities_external" ON "vulnerabilities" USING btree ("integration_id","external_id");--> statement-breakpoint
CREATE INDEX "vulnerabilities_exposed" ON "vulnerabilities" USING btree ("exposed_devices");--> statement-breakpoint
CREATE INDEX "alerts_integration_created" ON "alerts" USING btree ("integration_id","created_at");--> statement-breakpoint
CREATE INDEX "alerts_updated" ON "alerts" USING btree ("updated_at");