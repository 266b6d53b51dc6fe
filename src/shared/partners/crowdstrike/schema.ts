import { z } from "zod";
import {
  type FieldWarning,
  integrationNameSchema,
  nameWarnings,
  secretExpiresAtSchema,
  storedConfigBaseSchema,
} from "../common";

/**
 * CrowdStrike Falcon's connect fields and their rules (shared/reference/edr-partners.md Part A). One schema for the
 * browser, the CLI and the server; messages name the field and where to find its value, and never echo a value.
 */

export const falconCloudIds = ["us-1", "us-2", "eu-1", "us-3", "us-gov-1", "us-gov-2"] as const;
export const falconCloudIdSchema = z.enum(falconCloudIds);
export type FalconCloudId = z.infer<typeof falconCloudIdSchema>;

export interface FalconCloud {
  id: FalconCloudId;
  label: string;
  /** The API host (reference A2). */
  apiHost: string;
  /** The Falcon console, for links to a record. */
  consoleHost: string;
  /** GovCloud does not auto-discover: its clients exist only there, so it must be chosen. */
  autodiscovers: boolean;
}

export const falconClouds: Record<FalconCloudId, FalconCloud> = {
  "us-1": {
    id: "us-1",
    label: "US-1",
    apiHost: "api.crowdstrike.com",
    consoleHost: "falcon.crowdstrike.com",
    autodiscovers: true,
  },
  "us-2": {
    id: "us-2",
    label: "US-2",
    apiHost: "api.us-2.crowdstrike.com",
    consoleHost: "falcon.us-2.crowdstrike.com",
    autodiscovers: true,
  },
  "eu-1": {
    id: "eu-1",
    label: "EU-1",
    apiHost: "api.eu-1.crowdstrike.com",
    consoleHost: "falcon.eu-1.crowdstrike.com",
    autodiscovers: true,
  },
  "us-3": {
    id: "us-3",
    label: "US-3",
    apiHost: "api.us-3.crowdstrike.com",
    consoleHost: "falcon.us-3.crowdstrike.com",
    autodiscovers: true,
  },
  "us-gov-1": {
    id: "us-gov-1",
    label: "US-GOV-1",
    apiHost: "api.laggar.gcw.crowdstrike.com",
    consoleHost: "falcon.laggar.gcw.crowdstrike.com",
    autodiscovers: false,
  },
  "us-gov-2": {
    id: "us-gov-2",
    label: "US-GOV-2",
    apiHost: "api.us-gov-2.crowdstrike.mil",
    consoleHost: "falcon.us-gov-2.crowdstrike.mil",
    autodiscovers: false,
  },
};

/** What the admin picks: a cloud, or auto-discovery (ask US-1, which answers with the client's region). */
export const falconCloudChoices = ["auto", ...falconCloudIds] as const;
export const falconCloudChoiceSchema = z.enum(falconCloudChoices);
export type FalconCloudChoice = z.infer<typeof falconCloudChoiceSchema>;

export const falconFeatureIds = ["alerts", "devices"] as const;
export const falconFeatureIdSchema = z.enum(falconFeatureIds, {
  error: `A Falcon feature must be ${falconFeatureIds.map((id) => `“${id}”`).join(" or ")}.`,
});
export type FalconFeatureId = z.infer<typeof falconFeatureIdSchema>;

export const MAX_FALCON_SECRET_LENGTH = 256;
const HEX32 = /^[0-9a-f]{32}$/i;
const clientWhere =
  "Copy it from Falcon → Support and resources → API clients and keys, where the client was created.";

/**
 * Cloud: a choice from the list; also the forms the command line and peers use ("US-2", "us2", an API host or its
 * URL). Empty means auto-discovery.
 */
export function parseFalconCloud(raw: string): FalconCloudChoice | undefined {
  const value = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
  if (value === "" || value === "auto" || value === "autodiscover" || value === "auto-discover")
    return "auto";
  const byName = falconCloudIds.find((id) => id === value || id.replace("-", "") === value.replace(/-/g, ""));
  if (byName) return byName;
  // api.crowdstrike.com is US-1, where auto-discovery starts: a client of another commercial cloud is sent on.
  if (value === falconClouds["us-1"].apiHost) return "auto";
  return falconCloudIds.find((id) => falconClouds[id].apiHost === value);
}

export const falconCloudSchema = z
  .string({ error: "Cloud must be a text such as “auto” or “us-2”." })
  .optional()
  .transform((raw, ctx) => {
    const choice = parseFalconCloud(raw ?? "");
    if (!choice) {
      ctx.addIssue({
        code: "custom",
        message:
          "Cloud must be Auto-discover or one of US-1, US-2, EU-1, US-3, US-GOV-1, US-GOV-2 (or that cloud's API host, e.g. api.us-2.crowdstrike.com). Your Falcon console's address tells which.",
      });
      return z.NEVER;
    }
    return choice;
  });

export const clientIdSchema = z
  .string({ error: `Client ID is required. ${clientWhere}` })
  .transform((raw, ctx) => {
    const value = raw.trim();
    if (value === "") {
      ctx.addIssue({ code: "custom", message: `Client ID is required. ${clientWhere}` });
      return z.NEVER;
    }
    if (!HEX32.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `Client ID must be 32 hexadecimal characters (0-9, a-f). ${clientWhere}`,
      });
      return z.NEVER;
    }
    return value.toLowerCase();
  });

const secretWhere =
  "Falcon shows the secret once, when the API client is created or its secret reset (Support and resources → API clients and keys → Reset secret).";

export const clientSecretSchema = z
  .string({ error: `Client Secret is required. ${secretWhere}` })
  .transform((raw, ctx) => {
    const value = raw.trim();
    if (value === "") {
      ctx.addIssue({ code: "custom", message: `Client Secret is required. ${secretWhere}` });
      return z.NEVER;
    }
    if (value.length > MAX_FALCON_SECRET_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `Client Secret is longer than ${MAX_FALCON_SECRET_LENGTH} characters; a Falcon secret is 40. Check what was pasted.`,
      });
      return z.NEVER;
    }
    if (/\s/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "Client Secret contains spaces or line breaks; a Falcon secret has none. Paste it again.",
      });
      return z.NEVER;
    }
    if (HEX32.test(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "This looks like a Client ID (32 hexadecimal characters), not the secret. Paste the Secret shown beside it when the client was created.",
      });
      return z.NEVER;
    }
    return value;
  });

/**
 * Member CID: only for an MSSP (Flight Control) parent reaching a child. The console shows a CID with a checksum
 * suffix (“…-A7”); the token endpoint wants the 32 characters before it, so the suffix is dropped.
 */
export const memberCidSchema = z
  .string({ error: "Member CID must be text." })
  // null is what this schema makes of “none”: a client that sends its parsed input back must be accepted.
  .nullish()
  .transform((raw, ctx) => {
    const value = (raw ?? "").trim();
    if (value === "") return null;
    const bare = value.replace(/-[0-9a-f]{2}$/i, "");
    if (!HEX32.test(bare)) {
      ctx.addIssue({
        code: "custom",
        message:
          "Member CID must be the child's 32-character customer ID (hexadecimal, optionally with its “-XX” checksum), from Flight Control → the child CID. Leave it empty unless you are an MSSP connecting a child tenant.",
      });
      return z.NEVER;
    }
    return bare.toLowerCase();
  });

export const falconFeaturesSchema = z
  .array(falconFeatureIdSchema, {
    error: 'features must be a list of feature ids, e.g. ["alerts", "devices"].',
  })
  .min(1, "Choose at least one feature.")
  .max(falconFeatureIds.length)
  .transform((ids) => [...new Set(ids)]);

export const FALCON_DEFAULT_FEATURES: readonly FalconFeatureId[] = ["alerts", "devices"];

/** The Connect form and `POST /api/integrations[/test]` body for CrowdStrike Falcon. */
export function falconConnectSchema() {
  return z.object({
    partner: z.literal("crowdstrike", { error: "partner must be “crowdstrike”." }),
    name: integrationNameSchema.optional(),
    falconCloud: falconCloudSchema,
    clientId: clientIdSchema,
    clientSecret: clientSecretSchema,
    memberCid: memberCidSchema,
    features: falconFeaturesSchema.optional(),
  });
}
export type FalconConnect = z.output<ReturnType<typeof falconConnectSchema>>;

/** `PATCH /api/integrations/:id` for a Falcon connection. */
export function falconUpdateSchema() {
  return z
    .object({
      name: integrationNameSchema.optional(),
      falconCloud: falconCloudSchema.optional(),
      clientId: clientIdSchema.optional(),
      clientSecret: clientSecretSchema.optional(),
      memberCid: memberCidSchema.optional(),
      features: falconFeaturesSchema.optional(),
      secretExpiresAt: secretExpiresAtSchema.nullable().optional(),
    })
    .refine((v) => Object.values(v).some((x) => x !== undefined), {
      message:
        "Nothing to change: send at least one of name, falconCloud, clientId, clientSecret, memberCid, features or secretExpiresAt.",
    });
}
export type FalconUpdate = z.output<ReturnType<typeof falconUpdateSchema>>;

/** What is stored: the choice, and the cloud verification found (`X-CS-Region`), used for every later call. */
export const falconConfigSchema = storedConfigBaseSchema.extend({
  falconCloud: falconCloudChoiceSchema,
  clientId: z.string(),
  memberCid: z.string().nullable(),
  cloud: falconCloudIdSchema.nullable(),
});
export type FalconConfig = z.output<typeof falconConfigSchema>;

/** Valid input that is probably wrong; never blocks, never echoes a value. */
export function falconInputWarnings(input: {
  clientSecret?: unknown;
  name?: unknown;
  falconCloud?: unknown;
}): FieldWarning[] {
  const warnings: FieldWarning[] = [];
  const secret = typeof input.clientSecret === "string" ? input.clientSecret.trim() : "";
  if (secret !== "" && !/^[A-Za-z0-9]{40}$/.test(secret) && !/\s/.test(secret) && !HEX32.test(secret)) {
    warnings.push({
      field: "clientSecret",
      message:
        "Falcon client secrets are 40 letters and digits; this one is not. Check that the whole secret was copied.",
    });
  }
  warnings.push(...nameWarnings(typeof input.name === "string" ? input.name : undefined));
  return warnings;
}
