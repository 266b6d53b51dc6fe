import {
  FALCON_DEFAULT_FEATURES,
  type FalconConfig,
  falconCloudIdSchema,
  falconConfigSchema,
  falconConnectSchema,
  falconFeatureIdSchema,
  falconScopesFor,
  falconUpdateSchema,
} from "../../../shared/partners/crowdstrike";
import { parseInput } from "../../lib/app-error";
import type { PartnerAdapter, StoredConfig } from "../adapter";
import { falconOrigins } from "./api";
import { falconTransientCodes } from "./failures";
import { FalconTokens, falconSources } from "./sync";
import { verifyFalconConnection } from "./verify";

export interface FalconPartnerOptions {
  /** PATCHBAY_FALCON_ORIGINS: the operator's replacement origins by cloud. */
  falconOrigins?: Partial<Record<string, string>> | undefined;
  callTimeoutMs: number;
  deadlineMs: number;
  pageSize: number;
  syncCallTimeoutMs: number;
}

const own = (config: StoredConfig): FalconConfig => falconConfigSchema.parse(config);

const knownFeatures = (ids: readonly string[]) =>
  ids.flatMap((id) => {
    const parsed = falconFeatureIdSchema.safeParse(id);
    return parsed.success ? [parsed.data] : [];
  });

/** CrowdStrike Falcon on the partner-adapter core. */
export function falconAdapter(options: FalconPartnerOptions): PartnerAdapter {
  const origins = falconOrigins(options.falconOrigins);
  const connectSchema = falconConnectSchema();
  const updateSchema = falconUpdateSchema();
  const syncOptions = { origins, pageSize: options.pageSize, syncCallTimeoutMs: options.syncCallTimeoutMs };
  const tokens = new FalconTokens(syncOptions);
  return {
    id: "crowdstrike",
    defaultName: "CrowdStrike Falcon",
    transientCodes: falconTransientCodes,
    secretRenewal:
      "Reset the API client's secret in the Falcon console: Support and resources → API clients and keys → the client → Reset secret.",

    parseConnect(body) {
      const input = parseInput(connectSchema, body);
      return {
        name: input.name,
        // The cloud is settled by verification (X-CS-Region); unknown until then.
        config: {
          falconCloud: input.falconCloud,
          clientId: input.clientId,
          memberCid: input.memberCid,
          cloud: null,
          features: input.features ?? [...FALCON_DEFAULT_FEATURES],
        },
        secret: input.clientSecret,
        options: {},
      };
    },

    parseChange(body, stored) {
      const patch = parseInput(updateSchema, body);
      const current = own(stored);
      const moved =
        (patch.falconCloud !== undefined && patch.falconCloud !== current.falconCloud) ||
        (patch.clientId !== undefined && patch.clientId !== current.clientId);
      return {
        name: patch.name,
        config: {
          falconCloud: patch.falconCloud ?? current.falconCloud,
          clientId: patch.clientId ?? current.clientId,
          memberCid: patch.memberCid === undefined ? current.memberCid : patch.memberCid,
          // Another cloud or client: the region is learnt again.
          cloud: moved ? null : current.cloud,
          features: patch.features ?? current.features,
        },
        secret: patch.clientSecret,
        secretExpiresAt: patch.secretExpiresAt,
      };
    },

    identityKey(stored) {
      const config = own(stored);
      return `${config.clientId}|${config.memberCid ?? ""}`;
    },
    describeIdentity(stored) {
      const config = own(stored);
      return `API client ${config.clientId}${config.memberCid ? ` for member CID ${config.memberCid}` : ""}`;
    },

    verify(stored, secret) {
      const config = own(stored);
      return verifyFalconConnection(
        {
          clientId: config.clientId,
          clientSecret: secret,
          memberCid: config.memberCid,
          // A connection that has learnt its cloud keeps using it (a token from elsewhere is refused there).
          choice: config.cloud ?? config.falconCloud,
          features: knownFeatures(config.features),
        },
        { origins, callTimeoutMs: options.callTimeoutMs, deadlineMs: options.deadlineMs },
      );
    },

    settle(stored, report) {
      const config = own(stored);
      const cloud = falconCloudIdSchema.safeParse(report.cloud);
      return { ...config, cloud: cloud.success ? cloud.data : config.cloud };
    },

    sources: falconSources(syncOptions, tokens),

    release(stored, secret) {
      return tokens.release(own(stored), secret);
    },

    idlePermissions: () => ({
      required: falconScopesFor(FALCON_DEFAULT_FEATURES),
      granted: [],
      missing: [],
      unused: [],
    }),
  };
}
