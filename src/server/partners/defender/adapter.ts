import {
  DEFAULT_FEATURES,
  type DefenderConfig,
  defenderCloudIdSchema,
  defenderConfigSchema,
  defenderConnectSchema,
  defenderFeatureIdSchema,
  defenderUpdateSchema,
  permissionsFor,
} from "../../../shared/partners/defender";
import { parseInput } from "../../lib/app-error";
import type { PartnerAdapter, StoredConfig } from "../adapter";
import { transientCodes } from "./failures";
import { type DefenderSyncOptions, defenderSources } from "./sync";
import { verifyDefenderConnection } from "./verify";

/** Stored feature ids this server knows (a row written by a newer version may hold others: they are ignored). */
const knownFeatures = (ids: readonly string[]) =>
  ids.flatMap((id) => {
    const parsed = defenderFeatureIdSchema.safeParse(id);
    return parsed.success ? [parsed.data] : [];
  });

/** A stored config as Defender's own (the core holds every partner's configs as one union). */
const own = (config: StoredConfig): DefenderConfig => defenderConfigSchema.parse(config);

/** Microsoft Defender for Endpoint on the partner-adapter core. */
export function defenderAdapter(options: DefenderSyncOptions): PartnerAdapter {
  const connectSchema = defenderConnectSchema(options.extraHosts);
  const updateSchema = defenderUpdateSchema(options.extraHosts);
  return {
    id: "defender",
    defaultName: "Microsoft Defender for Endpoint",
    transientCodes,
    secretRenewal:
      "Create a new client secret for the app in Microsoft Entra admin center: App registrations → the app → Certificates & secrets → New client secret.",

    parseConnect(body) {
      const input = parseInput(connectSchema, body);
      return {
        name: input.name,
        // The cloud is settled by verification (the Base URL's host decides it); commercial until then.
        config: {
          baseUrl: input.baseUrl,
          tenantId: input.tenantId,
          appId: input.appId,
          cloud: "commercial",
          features: input.features ?? [...DEFAULT_FEATURES],
        },
        secret: input.appSecret,
        options: { probeAll: input.probeAll },
      };
    },

    parseChange(body, stored) {
      const patch = parseInput(updateSchema, body);
      const current = own(stored);
      return {
        name: patch.name,
        config: {
          baseUrl: patch.baseUrl ?? current.baseUrl,
          tenantId: patch.tenantId ?? current.tenantId,
          appId: patch.appId ?? current.appId,
          cloud: current.cloud,
          features: patch.features ?? current.features,
        },
        secret: patch.appSecret,
        secretExpiresAt: patch.secretExpiresAt,
      };
    },

    identityKey(stored) {
      const config = own(stored);
      return `${config.tenantId.toLowerCase()}|${config.appId.toLowerCase()}`;
    },
    describeIdentity(stored) {
      const config = own(stored);
      return `tenant ${config.tenantId} with App ID ${config.appId}`;
    },

    verify(stored, secret, _name, request) {
      const config = own(stored);
      return verifyDefenderConnection(
        {
          baseUrl: config.baseUrl,
          tenantId: config.tenantId,
          appId: config.appId,
          appSecret: secret,
          features: knownFeatures(config.features),
          probeAll: request?.probeAll,
        },
        options,
      );
    },

    settle(stored, report) {
      const config = own(stored);
      const cloud = defenderCloudIdSchema.safeParse(report.cloud);
      return { ...config, cloud: cloud.success ? cloud.data : config.cloud };
    },

    sources: defenderSources(options),

    idlePermissions: () => ({
      required: permissionsFor(DEFAULT_FEATURES),
      granted: [],
      missing: [],
      unused: [],
    }),
  };
}
