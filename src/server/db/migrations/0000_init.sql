CREATE TABLE "integration_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"message" text NOT NULL,
	"detail" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"partner" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"config" jsonb NOT NULL,
	"secret_ciphertext" text,
	"secret_iv" text,
	"secret_key_id" text,
	"secret_fingerprint" text,
	"secret_updated_at" timestamp with time zone,
	"permissions" jsonb NOT NULL,
	"last_error" jsonb,
	"last_report" jsonb,
	"last_checked_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"disconnected_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "integration_events" ADD CONSTRAINT "integration_events_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integration_events_by_integration" ON "integration_events" USING btree ("integration_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_active_connection" ON "integrations" USING btree ("partner",("config"->>'tenantId'),("config"->>'appId')) WHERE "integrations"."status" <> 'disconnected';