CREATE TABLE "known_sign_in_addresses" (
	"user_id" uuid NOT NULL,
	"ip" text NOT NULL,
	"last_success_at" timestamp with time zone NOT NULL,
	CONSTRAINT "known_sign_in_addresses_user_id_ip_pk" PRIMARY KEY("user_id","ip")
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "actor_email" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "occurrences" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "known_sign_in_addresses" ADD CONSTRAINT "known_sign_in_addresses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Names may no longer carry brackets, control, line-separator or text-direction characters (issue 6, finding 8):
-- clean the ones stored before the rule, so no existing name can pass for someone else's.
UPDATE "users" SET "display_name" = coalesce(
	nullif(btrim(regexp_replace("display_name", '[<>[:cntrl:]\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]', '', 'g')), ''),
	split_part("email", '@', 1)
) WHERE "display_name" ~ '[<>[:cntrl:]\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]';--> statement-breakpoint
UPDATE "api_tokens" SET "name" = coalesce(
	nullif(btrim(regexp_replace("name", '[<>[:cntrl:]\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]', '', 'g')), ''),
	'token ' || "prefix"
) WHERE "name" ~ '[<>[:cntrl:]\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]';--> statement-breakpoint
UPDATE "audit_events" AS a SET "actor_email" = u."email" FROM "users" AS u
	WHERE a."actor_type" = 'user' AND a."actor_id" = u."id"::text;--> statement-breakpoint
UPDATE "audit_events" AS a SET "actor_email" = u."email" FROM "api_tokens" AS t JOIN "users" AS u ON u."id" = t."user_id"
	WHERE a."actor_type" = 'token' AND a."actor_id" = t."id"::text;
