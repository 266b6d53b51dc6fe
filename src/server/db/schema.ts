import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { IntegrationConfig, Permissions } from "../../shared/contract";

/** A connection's non-secret settings (jsonb); each partner's adapter reads and writes its own. */
export type StoredConfig = IntegrationConfig;

export const integrations = pgTable(
  "integrations",
  {
    id: uuid("id").primaryKey(),
    partner: text("partner").notNull(),
    /** What makes two connections the same, per the partner's adapter (tenant|app for Microsoft). */
    identityKey: text("identity_key").notNull(),
    name: text("name").notNull(),
    status: text("status").notNull(),
    config: jsonb("config").$type<StoredConfig>().notNull(),
    // Write-only secret (DESIGN §6). All four are NULL once disconnected.
    secretCiphertext: text("secret_ciphertext"),
    secretIv: text("secret_iv"),
    secretKeyId: text("secret_key_id"),
    secretFingerprint: text("secret_fingerprint"),
    /** The secret's own data key (secret_data_keys, or a file in DATA_DIR/secret-keys); null for older secrets. */
    secretDataKeyId: uuid("secret_data_key_id"),
    secretUpdatedAt: timestamp("secret_updated_at", { withTimezone: true, mode: "date" }),
    /** When the secret in use expires: read through Microsoft Graph, or typed by an admin (secret_expiry_source). */
    secretExpiresAt: timestamp("secret_expires_at", { withTimezone: true, mode: "date" }),
    secretExpirySource: text("secret_expiry_source").$type<"graph" | "admin">(),
    /** The smallest expiry warning already given (30, 14, 7, 1 days), so each is recorded once. */
    secretExpiryWarnedDays: integer("secret_expiry_warned_days"),
    permissions: jsonb("permissions").$type<Permissions>().notNull(),
    lastError: jsonb("last_error").$type<unknown>(),
    /** Set while a sync source has failed or lagged past 3 intervals (the connection shows as degraded). */
    syncIssue: jsonb("sync_issue").$type<unknown>(),
    lastReport: jsonb("last_report").$type<unknown>(),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true, mode: "date" }),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    // One active connection per partner + identity; disconnected rows stay as history.
    uniqueIndex("integrations_active_identity")
      .on(t.partner, t.identityKey)
      .where(sql`${t.status} <> 'disconnected'`),
    // The list's two sorts (GET /api/integrations): a page reads only its own rows, however many connections.
    index("integrations_created").on(t.createdAt, t.id),
    index("integrations_name").on(t.name, t.id),
  ],
);

export const integrationEvents = pgTable(
  "integration_events",
  {
    /** Insertion order: events of one transaction share a timestamp. */
    id: bigserial("id", { mode: "number" }).primaryKey(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    message: text("message").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    // Matches the event-log query: one integration, newest (highest id) first.
    index("integration_events_by_integration").on(t.integrationId, t.id),
  ],
);

/**
 * Per-secret data keys, wrapped with the master key, when they are kept in the database (PostgreSQL). Destroying
 * one makes its secret unrecoverable from every copy of the ciphertext (crypto-shredding).
 */
export const secretDataKeys = pgTable("secret_data_keys", {
  id: uuid("id").primaryKey(),
  wrapped: text("wrapped").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role").$type<"admin" | "viewer">().notNull(),
    passwordHash: text("password_hash").notNull(),
    active: boolean("active").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    lastSignInAt: at("last_sign_in_at"),
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);

/** Server-side sessions. Only the SHA-256 of the cookie's random value is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: at("created_at").notNull(),
    lastSeenAt: at("last_seen_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    revokedAt: at("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [uniqueIndex("sessions_token_hash").on(t.tokenHash), index("sessions_user").on(t.userId)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    role: text("role").$type<"admin" | "viewer">().notNull(),
    tokenHash: text("token_hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at"),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_token_hash").on(t.tokenHash)],
);

/** One-time links that create the first admin. */
export const setupTokens = pgTable("setup_tokens", {
  id: uuid("id").primaryKey(),
  tokenHash: text("token_hash").notNull(),
  expiresAt: at("expires_at").notNull(),
  usedAt: at("used_at"),
});

/** Failed sign-ins, keyed by account and by source address, for throttling across instances. */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    key: text("key").notNull(),
    at: at("at").notNull(),
  },
  (t) => [index("sign_in_failures_key_at").on(t.key, t.at)],
);

/**
 * Addresses each user has signed in from successfully. A known address is exempt from the account-wide throttle,
 * so strangers guessing from elsewhere cannot lock the owner out (issue 6, finding 1).
 */
export const knownSignInAddresses = pgTable(
  "known_sign_in_addresses",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    ip: text("ip").notNull(),
    lastSuccessAt: at("last_success_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.ip] })],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: at("at").notNull(),
    action: text("action").notNull(),
    outcome: text("outcome").$type<"success" | "failure">().notNull(),
    actorType: text("actor_type").$type<"user" | "token" | "anonymous" | "system">().notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    actorEmail: text("actor_email"),
    targetType: text("target_type").$type<"integration" | "user" | "token" | "session">(),
    targetId: text("target_id"),
    integrationId: uuid("integration_id"),
    sourceIp: text("source_ip"),
    userAgent: text("user_agent"),
    message: text("message").notNull(),
    changes: jsonb("changes").$type<{ before: Record<string, unknown>; after: Record<string, unknown> }>(),
    /** Repeats of the same refused sign-in are counted on one row instead of growing the table (issue 6). */
    occurrences: integer("occurrences").notNull().default(1),
    lastAt: at("last_at"),
  },
  (t) => [index("audit_events_at").on(t.at), index("audit_events_integration").on(t.integrationId)],
);

// --- Synced data (DESIGN §12) -------------------------------------------------------------------------------------

/** One row per connection and sync source: where the source's sync stands, and its cursor (the partner's own). */
export const syncStreams = pgTable(
  "sync_streams",
  {
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    source: text("source").notNull(),
    /** The partner's cursor; advanced in the same transaction as the page it covers. */
    cursor: jsonb("cursor").$type<unknown>(),
    state: text("state").$type<"idle" | "running" | "failed">().notNull().default("idle"),
    /** Records stored (new or changed) since the stream began. */
    records: integer("records").notNull().default(0),
    /** Records refused as malformed since the stream began (each logged by id). */
    malformed: integer("malformed").notNull().default(0),
    /** The current pass: records done so far and, when the partner says, how many there are. */
    progress: jsonb("progress").$type<{ done: number; total: number | null } | null>(),
    firstCompletedAt: at("first_completed_at"),
    lastRunAt: at("last_run_at"),
    lastSuccessAt: at("last_success_at"),
    /** When data last arrived (a page with at least one new or changed record). */
    lastDataAt: at("last_data_at"),
    nextRunAt: at("next_run_at"),
    lastError: jsonb("last_error").$type<{ code: string; message: string; remediation: string } | null>(),
    /** Whoever runs a page holds it until then (another instance skips the stream meanwhile). */
    leaseUntil: at("lease_until"),
    /** Which run holds the lease: only that run may commit a page or hand the stream back. */
    leaseOwner: text("lease_owner"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.source] }), index("sync_streams_next").on(t.nextRunAt)],
);

/** Alerts of every partner, normalised for the filters of the Alerts page, with the record as received. */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    partner: text("partner").notNull(),
    externalId: text("external_id").notNull(),
    title: text("title").notNull(),
    severity: text("severity").notNull(),
    status: text("status").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    deviceName: text("device_name"),
    category: text("category"),
    description: text("description"),
    evidence: jsonb("evidence")
      .$type<Array<{ kind: string; name: string; detail: string | null }>>()
      .notNull()
      .default([]),
    portalUrl: text("portal_url"),
    raw: jsonb("raw").$type<unknown>().notNull(),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("alerts_external").on(t.integrationId, t.externalId),
    index("alerts_created").on(t.createdAt),
    index("alerts_severity_created").on(t.severity, t.createdAt),
    index("alerts_integration_created").on(t.integrationId, t.createdAt),
    index("alerts_updated").on(t.updatedAt),
  ],
);

/** Incidents (groups of alerts) of every partner. */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    partner: text("partner").notNull(),
    externalId: text("external_id").notNull(),
    title: text("title").notNull(),
    severity: text("severity").notNull(),
    status: text("status").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    assignedTo: text("assigned_to"),
    alertCount: integer("alert_count").notNull().default(0),
    portalUrl: text("portal_url"),
    raw: jsonb("raw").$type<unknown>().notNull(),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("incidents_external").on(t.integrationId, t.externalId),
    index("incidents_created").on(t.createdAt),
  ],
);

/** Devices of every partner; a device no longer listed keeps its row with `removed_at` set. */
export const devices = pgTable(
  "devices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    partner: text("partner").notNull(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    healthStatus: text("health_status").notNull(),
    osPlatform: text("os_platform").notNull(),
    onboardingStatus: text("onboarding_status"),
    riskScore: text("risk_score"),
    exposureLevel: text("exposure_level"),
    lastSeenAt: at("last_seen_at"),
    portalUrl: text("portal_url"),
    raw: jsonb("raw").$type<unknown>().notNull(),
    /** The inventory pass that last listed it; rows of older passes are gone once a pass completes. */
    seenPass: text("seen_pass").notNull(),
    removedAt: at("removed_at"),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("devices_external").on(t.integrationId, t.externalId),
    index("devices_name").on(t.name),
  ],
);

/** Vulnerabilities (CVEs) a partner reports for the tenant, with how many devices are exposed. Inventory. */
export const vulnerabilities = pgTable(
  "vulnerabilities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    partner: text("partner").notNull(),
    externalId: text("external_id").notNull(),
    title: text("title").notNull(),
    severity: text("severity").notNull(),
    cvssScore: real("cvss_score"),
    exposedDevices: integer("exposed_devices").notNull().default(0),
    publicExploit: boolean("public_exploit").notNull().default(false),
    publishedAt: at("published_at"),
    updatedAt: at("updated_at"),
    raw: jsonb("raw").$type<unknown>().notNull(),
    seenPass: text("seen_pass").notNull(),
    removedAt: at("removed_at"),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("vulnerabilities_external").on(t.integrationId, t.externalId),
    index("vulnerabilities_exposed").on(t.exposedDevices),
  ],
);

/** Software installed across the tenant's devices, with its weaknesses. Inventory. */
export const software = pgTable(
  "software",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    partner: text("partner").notNull(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    vendor: text("vendor"),
    weaknesses: integer("weaknesses").notNull().default(0),
    exposedDevices: integer("exposed_devices").notNull().default(0),
    publicExploit: boolean("public_exploit").notNull().default(false),
    raw: jsonb("raw").$type<unknown>().notNull(),
    seenPass: text("seen_pass").notNull(),
    removedAt: at("removed_at"),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("software_external").on(t.integrationId, t.externalId),
    index("software_exposed").on(t.exposedDevices),
  ],
);

/**
 * Calls made against a partner API's limits, per key (tenant + app + API), shared by every instance: when each call
 * of the last minute was made (a sliding minute, as the partners count it), a fixed hour window, and a block until a
 * 429's Retry-After has passed.
 */
export const rateBudgets = pgTable("rate_budgets", {
  key: text("key").primaryKey(),
  minuteCalls: at("minute_calls").array().notNull().default(sql`'{}'`),
  hourStart: at("hour_start").notNull(),
  hourCount: integer("hour_count").notNull().default(0),
  blockedUntil: at("blocked_until"),
  throttled: integer("throttled").notNull().default(0),
});

export type IntegrationRow = typeof integrations.$inferSelect;
export type SyncStreamRow = typeof syncStreams.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type IntegrationEventRow = typeof integrationEvents.$inferSelect;
