import { z } from "zod";
import { defenderCloudIdSchema } from "./partners/defender/schema";
import { partnerIdSchema } from "./partners/ids";

/**
 * The shape of `GET /api/partners`: what the browser and the CLI know of each partner (fields to render, regions,
 * features and their permissions, setup steps). The entries themselves live in each partner's folder
 * (src/shared/partners/<id>/catalog.ts) and are listed by src/shared/partners/registry.ts.
 */

export { type PartnerId, partnerIdSchema } from "./partners/ids";

const linkSchema = z.object({ label: z.string(), url: z.string() });

export const partnerCatalogEntrySchema = z.object({
  id: partnerIdSchema,
  name: z.string(),
  vendor: z.string(),
  category: z.string(),
  description: z.string(),
  fields: z.array(
    z.object({
      name: z.enum(["baseUrl", "tenantId", "appId", "appSecret"]),
      label: z.string(),
      kind: z.enum(["url", "guid", "secret"]),
      help: z.string(),
    }),
  ),
  clouds: z.array(
    z.object({
      id: defenderCloudIdSchema,
      label: z.string(),
      authorityHost: z.string(),
      scope: z.string(),
      entraPortal: z.string(),
    }),
  ),
  regions: z.array(
    z.object({
      host: z.string(),
      label: z.string(),
      cloud: defenderCloudIdSchema,
      operatorConfigured: z.boolean().optional(),
    }),
  ),
  /** The APIs (Entra resources) the features call, as the Entra portal names them. */
  apis: z.array(z.object({ id: z.string(), portalName: z.string(), portalTab: z.string() })),
  features: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      api: z.string(),
      permissions: z.array(z.object({ name: z.string(), satisfiedBy: z.array(z.string()) })),
      purpose: z.string(),
      /** The call that proves it works, e.g. "GET /api/alerts?$top=1"; null when being granted is all to check. */
      probe: z.string().nullable(),
      probeOnRequest: z.boolean(),
      licence: z.string().nullable(),
    }),
  ),
  /** Features enabled when a connect request names none. */
  defaultFeatures: z.array(z.string()),
  /** The permissions of the default features. */
  requiredPermissions: z.array(z.object({ name: z.string(), api: z.string() })),
  /** Every permission the seed guides ask for: the feature that needs it, or why Patchbay does not. */
  permissionGuide: z.array(
    z.object({
      name: z.string(),
      api: z.string(),
      kind: z.enum(["application", "delegated"]),
      feature: z.string().nullable(),
      note: z.string(),
    }),
  ),
  setupSteps: z.array(z.string()),
  docs: z.array(linkSchema),
});
export type PartnerCatalogEntry = z.infer<typeof partnerCatalogEntrySchema>;

export const partnersResponseSchema = z.object({ partners: z.array(partnerCatalogEntrySchema) });
export type PartnersResponse = z.infer<typeof partnersResponseSchema>;
