ALTER TABLE "rate_budgets" DROP COLUMN "minute_start";--> statement-breakpoint
ALTER TABLE "rate_budgets" DROP COLUMN "minute_count";