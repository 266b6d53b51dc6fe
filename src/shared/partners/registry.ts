import type { z } from "zod";
import type { PartnerCatalogEntry } from "../catalog";
import { defenderCatalogEntry } from "./defender/catalog";
import { defenderConnectSchema, defenderUpdateSchema } from "./defender/schema";

/**
 * Every partner, by id: the only module of src/shared that imports partner folders. Adding a partner means adding
 * its folder and one line in each list here (src/README.md, "Add a partner").
 */

export interface CatalogOptions {
  /** The operator's extra Defender hosts (PATCHBAY_EXTRA_DEFENDER_HOSTS), so the browser validates as the server. */
  extraHosts?: readonly string[];
}

/** `GET /api/partners`. */
export function partnerCatalog(extraHosts: readonly string[] = []): PartnerCatalogEntry[] {
  return [defenderCatalogEntry(extraHosts)];
}

/** The connect request: a union discriminated on `partner`, one member per partner. */
export function connectRequestSchema(extraHosts: readonly string[] = []) {
  return defenderConnectSchema(extraHosts);
}

/** `PATCH /api/integrations/:id`: the change schemas of every partner (one today). */
export function updateRequestSchema(extraHosts: readonly string[] = []) {
  return defenderUpdateSchema(extraHosts);
}

/** What the browser and the CLI send to connect, test or change, whichever partner it is. */
export type ConnectRequest = z.output<ReturnType<typeof connectRequestSchema>>;
export type UpdateRequest = z.output<ReturnType<typeof updateRequestSchema>>;
