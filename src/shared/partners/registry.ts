import { z } from "zod";
import type { PartnerCatalogEntry } from "../catalog";
import type { FieldWarning } from "./common";
import { falconCatalogEntry } from "./crowdstrike/catalog";
import { falconCli } from "./crowdstrike/cli";
import {
  clientSecretSchema,
  falconConfigSchema,
  falconConnectSchema,
  falconInputWarnings,
  falconUpdateSchema,
} from "./crowdstrike/schema";
import { defenderCatalogEntry } from "./defender/catalog";
import { defenderCli } from "./defender/cli";
import {
  appSecretSchema,
  defenderConfigSchema,
  defenderConnectSchema,
  defenderInputWarnings,
  defenderUpdateSchema,
} from "./defender/schema";
import type { PartnerId } from "./ids";
import { sentinelOneCatalogEntry } from "./sentinelone/catalog";
import { sentinelOneCli } from "./sentinelone/cli";
import {
  apiTokenSchema,
  sentinelOneConfigSchema,
  sentinelOneConnectSchema,
  sentinelOneInputWarnings,
  sentinelOneUpdateSchema,
} from "./sentinelone/schema";
import type { PartnerCli, PartnerSchemaOptions } from "./types";

export type { PartnerCli, PartnerSchemaOptions } from "./types";

/**
 * Every partner, by id: the only module of src/shared that imports partner folders. The core, the browser and the
 * CLI reach a partner's schemas, warnings and command-line mapping through here, by the partner's id, so none of
 * them branches on which partner it handles. Adding a partner means adding its folder and one entry in each list
 * here (src/README.md, "Add a partner").
 */

interface PartnerModule {
  catalog(options: PartnerSchemaOptions): PartnerCatalogEntry;
  connect(options: PartnerSchemaOptions): z.ZodType;
  update(options: PartnerSchemaOptions): z.ZodType;
  /** The secret field alone (Replace secret): its name and rules. */
  secret: { field: string; schema: z.ZodType<string, string> };
  /** The change that replaces the secret. */
  replaceSecret(secret: string): UpdateRequest;
  warnings(values: Record<string, unknown>): FieldWarning[];
  cli: PartnerCli;
}

const partners: Record<PartnerId, PartnerModule> = {
  defender: {
    catalog: (o) => defenderCatalogEntry(o.extraHosts),
    connect: (o) => defenderConnectSchema(o.extraHosts),
    update: (o) => defenderUpdateSchema(o.extraHosts),
    secret: { field: "appSecret", schema: appSecretSchema },
    replaceSecret: (appSecret) => ({ appSecret }),
    warnings: defenderInputWarnings,
    cli: defenderCli,
  },
  crowdstrike: {
    catalog: () => falconCatalogEntry(),
    connect: () => falconConnectSchema(),
    update: () => falconUpdateSchema(),
    secret: { field: "clientSecret", schema: clientSecretSchema },
    replaceSecret: (clientSecret) => ({ clientSecret }),
    warnings: falconInputWarnings,
    cli: falconCli,
  },
  sentinelone: {
    catalog: (o) => sentinelOneCatalogEntry(o.extraSentinelOneHosts),
    connect: (o) => sentinelOneConnectSchema(o.extraSentinelOneHosts),
    update: (o) => sentinelOneUpdateSchema(o.extraSentinelOneHosts),
    secret: { field: "apiToken", schema: apiTokenSchema },
    replaceSecret: (apiToken) => ({ apiToken }),
    warnings: sentinelOneInputWarnings,
    cli: sentinelOneCli,
  },
};

/** `GET /api/partners`. */
export function partnerCatalog(options: PartnerSchemaOptions = {}): PartnerCatalogEntry[] {
  return Object.values(partners).map((partner) => partner.catalog(options));
}

/** The connect request: a union discriminated on `partner`, one member per partner. */
export function connectRequestSchema(options: PartnerSchemaOptions = {}) {
  return z.discriminatedUnion("partner", [
    defenderConnectSchema(options.extraHosts),
    falconConnectSchema(),
    sentinelOneConnectSchema(options.extraSentinelOneHosts),
  ]);
}

/** `PATCH /api/integrations/:id`: the change schemas of every partner. */
export function updateRequestSchema(options: PartnerSchemaOptions = {}) {
  return z.union([
    defenderUpdateSchema(options.extraHosts),
    falconUpdateSchema(),
    sentinelOneUpdateSchema(options.extraSentinelOneHosts),
  ]);
}

/** What the browser and the CLI send to connect, test or change, whichever partner it is. */
export type ConnectRequest = z.output<ReturnType<typeof connectRequestSchema>>;
export type UpdateRequest = z.output<ReturnType<typeof updateRequestSchema>>;

/**
 * A change any partner accepts, whatever its fields: the name, the features (ids from its catalog entry; the server
 * refuses others by name) and an expiry typed by an admin.
 */
export interface CommonChange {
  name?: string;
  features?: string[];
  secretExpiresAt?: string | null;
}
export type ChangeRequest = UpdateRequest | CommonChange;

/** Any partner's stored config (its own fields plus `cloud` and `features`), as the API serves it. */
export const storedConfigSchema = z.union([
  defenderConfigSchema,
  falconConfigSchema,
  sentinelOneConfigSchema,
]);
export type StoredConfig = z.output<typeof storedConfigSchema>;

/**
 * The options a catalog entry was built with (the operator's hosts it lists), so a client validates alike. An entry
 * lists only its own partner's hosts, so they serve as whichever partner's setting that entry's schema reads.
 */
export function schemaOptionsOf(entry: PartnerCatalogEntry): PartnerSchemaOptions {
  const extraHosts = entry.fields
    .flatMap((field) => field.options)
    .filter((option) => option.operatorConfigured)
    .map((option) => option.value.replace(/^https:\/\//, ""));
  return { extraHosts, extraSentinelOneHosts: extraHosts };
}

/** One partner's connect schema, as its catalog entry describes it. */
export function connectSchemaOf(entry: PartnerCatalogEntry): z.ZodType {
  return partners[entry.id].connect(schemaOptionsOf(entry));
}

/** The rules of a partner's secret alone (the Replace secret form), and its field name in an update. */
export function secretFieldOf(partner: PartnerId): { field: string; schema: z.ZodType<string, string> } {
  return partners[partner].secret;
}

/** The change (`PATCH /api/integrations/:id`) that replaces a connection's secret with `secret`. */
export function replaceSecretRequest(partner: PartnerId, secret: string): UpdateRequest {
  return partners[partner].replaceSecret(secret);
}

/** Valid input that is probably wrong (e.g. App ID equal to Tenant ID), by field; never blocks. */
export function inputWarnings(partner: PartnerId, values: Record<string, unknown>): FieldWarning[] {
  return partners[partner].warnings(values);
}

/** The command line's mapping for a partner. */
export function partnerCli(partner: PartnerId): PartnerCli {
  return partners[partner].cli;
}
