import type { FieldWarning } from "../../../shared/partners/common";
import {
  SENTINELONE_DEFAULT_FEATURES,
  type SentinelOneConfig,
  sentinelOneConfigSchema,
  sentinelOneConnectSchema,
  sentinelOneFeatureIdSchema,
  sentinelOneInputWarnings,
  sentinelOnePermissionsFor,
  sentinelOneUpdateSchema,
} from "../../../shared/partners/sentinelone";
import { parseInput } from "../../lib/app-error";
import type { PartnerAdapter, StoredConfig } from "../adapter";
import { transientCodes } from "./failures";
import { type SentinelOneSyncOptions, sentinelOneSources } from "./sync";
import { type SentinelOneVerifyOptions, verifySentinelOneConnection } from "./verify";

export interface SentinelOneOptions extends SentinelOneVerifyOptions, SentinelOneSyncOptions {
  /** PATCHBAY_EXTRA_SENTINELONE_HOSTS: consoles outside .sentinelone.net the operator allows. */
  extraSentinelOneHosts: readonly string[];
}

const knownFeatures = (ids: readonly string[]) =>
  ids.flatMap((id) => {
    const parsed = sentinelOneFeatureIdSchema.safeParse(id);
    return parsed.success ? [parsed.data] : [];
  });

/** A stored config as SentinelOne's own (the core holds every partner's configs as one union). */
const own = (config: StoredConfig): SentinelOneConfig => sentinelOneConfigSchema.parse(config);

const scopeOf = (config: SentinelOneConfig) =>
  config.siteId ? `site:${config.siteId}` : config.accountId ? `account:${config.accountId}` : "all";

/** SentinelOne on the partner-adapter core. */
export function sentinelOneAdapter(options: SentinelOneOptions): PartnerAdapter {
  const connectSchema = sentinelOneConnectSchema(options.extraSentinelOneHosts);
  const updateSchema = sentinelOneUpdateSchema(options.extraSentinelOneHosts);
  // What the admin typed (before the path was removed from Console URL) is known only while parsing; the report's
  // warnings say what was changed, so they are kept beside the config object verification receives.
  const typedWarnings = new WeakMap<object, FieldWarning[]>();
  return {
    id: "sentinelone",
    defaultName: "SentinelOne",
    transientCodes,
    secretRenewal:
      "Create a new API token in the SentinelOne console: Settings → Users → Service Users → the service user → Actions → Generate API token (or a new service user, with a new expiry).",

    parseConnect(body) {
      const input = parseInput(connectSchema, body);
      const config: SentinelOneConfig = {
        consoleUrl: input.consoleUrl,
        accountId: input.accountId ?? null,
        siteId: input.siteId ?? null,
        cloud: null,
        features: input.features ?? [...SENTINELONE_DEFAULT_FEATURES],
      };
      typedWarnings.set(
        config,
        sentinelOneInputWarnings(typeof body === "object" && body !== null ? { ...body } : {}),
      );
      return { name: input.name, config, secret: input.apiToken, options: {} };
    },

    parseChange(body, stored) {
      const patch = parseInput(updateSchema, body);
      const current = own(stored);
      // A scope given replaces the other: one connection reads one account, one site, or the token's whole scope.
      const scopeChanged = patch.accountId !== undefined || patch.siteId !== undefined;
      const config: SentinelOneConfig = {
        consoleUrl: patch.consoleUrl ?? current.consoleUrl,
        accountId: scopeChanged ? (patch.accountId ?? null) : current.accountId,
        siteId: scopeChanged ? (patch.siteId ?? null) : current.siteId,
        cloud: null,
        features: patch.features ?? current.features,
      };
      typedWarnings.set(
        config,
        sentinelOneInputWarnings(typeof body === "object" && body !== null ? { ...body } : {}),
      );
      return { name: patch.name, config, secret: patch.apiToken, secretExpiresAt: patch.secretExpiresAt };
    },

    identityKey(stored) {
      const config = own(stored);
      return `${new URL(config.consoleUrl).host}|${scopeOf(config)}`;
    },
    describeIdentity(stored) {
      const config = own(stored);
      const host = new URL(config.consoleUrl).host;
      return config.siteId
        ? `console ${host}, site ${config.siteId}`
        : config.accountId
          ? `console ${host}, account ${config.accountId}`
          : `console ${host}, all of the token's scope (no Account ID or Site ID)`;
    },

    async verify(stored, secret) {
      const config = own(stored);
      const report = await verifySentinelOneConnection(
        {
          consoleUrl: config.consoleUrl,
          apiToken: secret,
          accountId: config.accountId,
          siteId: config.siteId,
          features: knownFeatures(config.features),
        },
        options,
      );
      const typed = typedWarnings.get(stored) ?? [];
      return typed.length === 0 ? report : { ...report, warnings: [...typed, ...report.warnings] };
    },

    settle(stored) {
      return own(stored);
    },

    sources: sentinelOneSources(options),

    idlePermissions: () => ({
      required: sentinelOnePermissionsFor(SENTINELONE_DEFAULT_FEATURES),
      granted: [],
      missing: [],
      unused: [],
    }),
  };
}
