ALTER TABLE "integrations" ADD COLUMN "secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "secret_expiry_source" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "secret_expiry_warned_days" integer;--> statement-breakpoint
-- Permissions now name their API ({ name, api }) and list the unused ones; every permission stored before was a
-- WindowsDefenderATP one. The last report's copy is converted the same way, so its checklist still shows.
CREATE FUNCTION pg_temp.patchbay_permission_refs(list jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_agg(
		CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END
	), '[]'::jsonb)
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(list) = 'array' THEN list ELSE '[]'::jsonb END) AS item
$$;--> statement-breakpoint
CREATE FUNCTION pg_temp.patchbay_permissions(p jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object(
		'required', pg_temp.patchbay_permission_refs(p -> 'required'),
		'granted', pg_temp.patchbay_permission_refs(p -> 'granted'),
		'missing', pg_temp.patchbay_permission_refs(p -> 'missing'),
		'unused', pg_temp.patchbay_permission_refs(p -> 'unused')
	)
$$;--> statement-breakpoint
UPDATE "integrations" SET "permissions" = pg_temp.patchbay_permissions("permissions");--> statement-breakpoint
UPDATE "integrations" SET "last_report" = jsonb_set("last_report", '{permissions}', pg_temp.patchbay_permissions("last_report" -> 'permissions'))
	WHERE jsonb_typeof("last_report") = 'object' AND "last_report" ? 'permissions';
