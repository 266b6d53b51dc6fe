import type { IntegrationConfig } from "../../../shared/contract";
import {
  defenderConnectSchema,
  defenderRequiredPermissions,
  defenderUpdateSchema,
} from "../../../shared/partners/defender";
import { parseInput } from "../../lib/app-error";
import type { PartnerAdapter } from "../adapter";
import { transientCodes } from "./failures";
import { type VerifyOptions, verifyDefenderConnection } from "./verify";

/** Microsoft Defender for Endpoint on the partner-adapter core. */
export function defenderAdapter(options: VerifyOptions): PartnerAdapter {
  const connectSchema = defenderConnectSchema(options.extraHosts);
  const updateSchema = defenderUpdateSchema(options.extraHosts);
  return {
    id: "defender",
    defaultName: "Microsoft Defender for Endpoint",
    transientCodes,

    parseConnect(body) {
      const input = parseInput(connectSchema, body);
      return {
        name: input.name,
        // The cloud is settled by verification (the Base URL's host decides it); commercial until then.
        config: { baseUrl: input.baseUrl, tenantId: input.tenantId, appId: input.appId, cloud: "commercial" },
        secret: input.appSecret,
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
        },
        secret: patch.appSecret,
      };
    },

    identityKey: (config) => `${config.tenantId.toLowerCase()}|${config.appId.toLowerCase()}`,
    describeIdentity: (config) => `tenant ${config.tenantId} with App ID ${config.appId}`,

    verify: (config, secret, name) =>
      verifyDefenderConnection(
        {
          partner: "defender",
          name,
          baseUrl: config.baseUrl,
          tenantId: config.tenantId,
          appId: config.appId,
          appSecret: secret,
        },
        options,
      ),

    settle: (config, report): IntegrationConfig => ({ ...config, cloud: report.cloud ?? config.cloud }),

    idlePermissions: () => ({ required: [...defenderRequiredPermissions], granted: [], missing: [] }),
  };
}
