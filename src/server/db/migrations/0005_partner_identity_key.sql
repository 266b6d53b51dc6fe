-- Partners decide what makes two connections the same (their adapter's identityKey); Defender's is tenant|app,
-- exactly what the old index compared, so existing rows keep their meaning.
ALTER TABLE "integrations" ADD COLUMN "identity_key" text;--> statement-breakpoint
UPDATE "integrations" SET "identity_key" = lower("config"->>'tenantId') || '|' || lower("config"->>'appId');--> statement-breakpoint
ALTER TABLE "integrations" ALTER COLUMN "identity_key" SET NOT NULL;--> statement-breakpoint
DROP INDEX "integrations_active_connection";--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_active_identity" ON "integrations" USING btree ("partner","identity_key") WHERE "integrations"."status" <> 'disconnected';
