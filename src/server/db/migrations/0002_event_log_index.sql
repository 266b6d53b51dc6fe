DROP INDEX "integration_events_by_integration";--> statement-breakpoint
CREATE INDEX "integration_events_by_integration" ON "integration_events" USING btree ("integration_id","id");