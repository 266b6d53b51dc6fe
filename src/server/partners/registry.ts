import type { PartnerId } from "../../shared/partners/ids";
import { AppError } from "../lib/app-error";
import type { PartnerAdapter } from "./adapter";
import { type FalconPartnerOptions, falconAdapter } from "./crowdstrike/adapter";
import { defenderAdapter } from "./defender/adapter";
import type { DefenderSyncOptions } from "./defender/sync";
import { type SentinelOneOptions, sentinelOneAdapter } from "./sentinelone/adapter";

/**
 * The partners this server connects: the only module that imports partner folders (dependency-cruiser keeps
 * modules/ and jobs/ out of them). Adding a partner is one line here (src/README.md, "Add a partner").
 */

export type PartnerOptions = DefenderSyncOptions & FalconPartnerOptions & SentinelOneOptions;

export interface PartnerRegistry {
  get(id: string): PartnerAdapter;
  /** The adapter for a request body, by its `partner` field; a 400 naming `partner` when it names none. */
  forBody(body: unknown): PartnerAdapter;
}

export function createPartnerRegistry(options: PartnerOptions): PartnerRegistry {
  const adapters = new Map<string, PartnerAdapter>([
    ["defender", defenderAdapter(options)],
    ["crowdstrike", falconAdapter(options)],
    ["sentinelone", sentinelOneAdapter(options)],
  ]);
  const known = [...adapters.keys()].map((id) => `“${id}”`).join(" or ");
  const unknownPartner = () =>
    new AppError(400, "validation_failed", `Check partner: partner must be ${known}.`, {
      partner: `partner must be ${known}.`,
    });
  return {
    get(id) {
      const adapter = adapters.get(id);
      // Stored rows only hold ids this server wrote; a foreign one means a newer version wrote it.
      if (!adapter) throw new Error(`no adapter for partner ${JSON.stringify(id)}`);
      return adapter;
    },
    forBody(body) {
      const id: unknown =
        typeof body === "object" && body !== null ? Reflect.get(body, "partner") : undefined;
      const adapter = typeof id === "string" ? adapters.get(id) : undefined;
      if (!adapter) throw unknownPartner();
      return adapter;
    },
  };
}

export type { PartnerId };
