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
  permissionResource: z.string(),
  features: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      probe: z.string(),
      permission: z.object({ name: z.string(), satisfiedBy: z.array(z.string()), description: z.string() }),
    }),
  ),
  requiredPermissions: z.array(z.string()),
  setupSteps: z.array(z.string()),
  docs: z.array(linkSchema),
});
export type PartnerCatalogEntry = z.infer<typeof partnerCatalogEntrySchema>;

export const partnersResponseSchema = z.object({ partners: z.array(partnerCatalogEntrySchema) });
export type PartnersResponse = z.infer<typeof partnersResponseSchema>;
