import type { IntegrationConfig } from "../../../shared/contract";
import {
  DEFAULT_FEATURES,
  defenderConnectSchema,
  defenderFeatureIdSchema,
  defenderUpdateSchema,
  permissionsFor,
} from "../../../shared/partners/defender";
import { parseInput } from "../../lib/app-error";
import type { PartnerAdapter } from "../adapter";
import { transientCodes } from "./failures";
import { type VerifyOptions, verifyDefenderConnection } from "./verify";

/** Stored feature ids this server knows (a row written by a newer version may hold others: they are ignored). */
const knownFeatures = (ids: readonly string[]) =>
  ids.flatMap((id) => {
    const parsed = defenderFeatureIdSchema.safeParse(id);
    return parsed.success ? [parsed.data] : [];
  });

/** Microsoft Defender for Endpoint on the partner-adapter core. */
export function defenderAdapter(options: VerifyOptions): PartnerAdapter {
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

    parseChange(body, current) {
      const patch = parseInput(updateSchema, body);
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

    identityKey: (config) => `${config.tenantId.toLowerCase()}|${config.appId.toLowerCase()}`,
    describeIdentity: (config) => `tenant ${config.tenantId} with App ID ${config.appId}`,

    verify: (config, secret, _name, request) =>
      verifyDefenderConnection(
        {
          baseUrl: config.baseUrl,
          tenantId: config.tenantId,
          appId: config.appId,
          appSecret: secret,
          features: knownFeatures(config.features),
          probeAll: request?.probeAll,
        },
        options,
      ),

    settle: (config, report): IntegrationConfig => ({ ...config, cloud: report.cloud ?? config.cloud }),

    idlePermissions: () => ({
      required: permissionsFor(DEFAULT_FEATURES),
      granted: [],
      missing: [],
      unused: [],
    }),
  };
}
