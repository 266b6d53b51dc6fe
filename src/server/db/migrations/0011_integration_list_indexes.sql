CREATE INDEX "integrations_created" ON "integrations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "integrations_name" ON "integrations" USING btree ("name","id");