ALTER TABLE "integrations" ADD COLUMN "secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "secret_expiry_source" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "secret_expiry_warned_days" integer;--> statement-breakpoint
-- Permissions now name their API ({ name, api }) and list the unused ones; every permission stored before was a
-- WindowsDefenderATP one. The last report's copy is converted the same way, so its checklist still shows. Written
-- inline (no helper function), so it needs no privilege beyond the tables' own.
UPDATE "integrations" SET "permissions" = jsonb_build_object(
		'required', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof("permissions" -> 'required') = 'array' THEN "permissions" -> 'required' ELSE '[]'::jsonb END) AS item),
		'granted', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof("permissions" -> 'granted') = 'array' THEN "permissions" -> 'granted' ELSE '[]'::jsonb END) AS item),
		'missing', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof("permissions" -> 'missing') = 'array' THEN "permissions" -> 'missing' ELSE '[]'::jsonb END) AS item),
		'unused', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof("permissions" -> 'unused') = 'array' THEN "permissions" -> 'unused' ELSE '[]'::jsonb END) AS item)
	);--> statement-breakpoint
UPDATE "integrations" SET "last_report" = jsonb_set("last_report", '{permissions}', jsonb_build_object(
		'required', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(("last_report" -> 'permissions') -> 'required') = 'array' THEN ("last_report" -> 'permissions') -> 'required' ELSE '[]'::jsonb END) AS item),
		'granted', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(("last_report" -> 'permissions') -> 'granted') = 'array' THEN ("last_report" -> 'permissions') -> 'granted' ELSE '[]'::jsonb END) AS item),
		'missing', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(("last_report" -> 'permissions') -> 'missing') = 'array' THEN ("last_report" -> 'permissions') -> 'missing' ELSE '[]'::jsonb END) AS item),
		'unused', (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(item) = 'string' THEN jsonb_build_object('name', item #>> '{}', 'api', 'WindowsDefenderATP') ELSE item END), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(("last_report" -> 'permissions') -> 'unused') = 'array' THEN ("last_report" -> 'permissions') -> 'unused' ELSE '[]'::jsonb END) AS item)
	))
	WHERE jsonb_typeof("last_report") = 'object' AND "last_report" ? 'permissions';
