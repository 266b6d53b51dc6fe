import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export interface StoredConfig {
  baseUrl: string;
  tenantId: string;
  appId: string;
  cloud: "commercial" | "gcc" | "gcc-high";
}

export const integrations = pgTable(
  "integrations",
  {
    id: uuid("id").primaryKey(),
    partner: text("partner").notNull(),
    name: text("name").notNull(),
    status: text("status").notNull(),
    config: jsonb("config").$type<StoredConfig>().notNull(),
    // Write-only secret (DESIGN §6). All four are NULL once disconnected.
    secretCiphertext: text("secret_ciphertext"),
    secretIv: text("secret_iv"),
    secretKeyId: text("secret_key_id"),
    secretFingerprint: text("secret_fingerprint"),
    secretUpdatedAt: timestamp("secret_updated_at", { withTimezone: true, mode: "date" }),
    permissions: jsonb("permissions")
      .$type<{ required: string[]; granted: string[]; missing: string[] }>()
      .notNull(),
    lastError: jsonb("last_error").$type<unknown>(),
    lastReport: jsonb("last_report").$type<unknown>(),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true, mode: "date" }),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    // One active connection per partner + tenant + app; disconnected rows stay as history.
    uniqueIndex("integrations_active_connection")
      .on(t.partner, sql`(${t.config}->>'tenantId')`, sql`(${t.config}->>'appId')`)
      .where(sql`${t.status} <> 'disconnected'`),
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
  (t) => [index("integration_events_by_integration").on(t.integrationId, t.at)],
);

export type IntegrationRow = typeof integrations.$inferSelect;
export type IntegrationEventRow = typeof integrationEvents.$inferSelect;
