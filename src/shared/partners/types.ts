/** What each partner folder under src/shared/partners/ provides to the registry beside its schemas. */

/** Settings of this Patchbay that change what a partner accepts: the operator's extra hosts of each partner. */
export interface PartnerSchemaOptions {
  /** `PATCHBAY_EXTRA_DEFENDER_HOSTS`, so the browser and the CLI validate as the server does. */
  extraHosts?: readonly string[];
  /** `PATCHBAY_EXTRA_SENTINELONE_HOSTS`: consoles outside .sentinelone.net (on-premises, FedRAMP, the simulator). */
  extraSentinelOneHosts?: readonly string[];
}

/** How `patchbay partner attach --api … --user … --secret …` maps onto a partner's connect request. */
export interface PartnerCli {
  /** The usage line, e.g. `patchbay partner attach --api URL --user TENANT_ID --secret APP_ID/APP_SECRET DEFENDER`. */
  usage: string;
  /** What `--secret -` asks for (hidden) or reads from stdin. */
  secretPrompt: string;
  /** Flags that must be given. */
  required: ReadonlyArray<"api" | "user" | "secret">;
  /** The partner's fields from the flags, or why the flags are not in the partner's shape (a usage error). */
  fields(flags: {
    api: string;
    user: string;
    secret: string;
  }): { ok: true; fields: Record<string, string> } | { ok: false; message: string; hint: string };
  /** The values among those fields that must never be printed. */
  secrets(fields: Record<string, string>): string[];
}
