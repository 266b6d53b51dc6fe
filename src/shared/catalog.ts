import { z } from "zod";
import { partnerIdSchema } from "./partners/ids";

/**
 * The shape of `GET /api/partners`: what the browser and the CLI know of each partner (fields to render, regions,
 * features and their permissions, setup steps). The entries themselves live in each partner's folder
 * (src/shared/partners/<id>/catalog.ts) and are listed by src/shared/partners/registry.ts.
 */

export { type PartnerId, partnerIdSchema } from "./partners/ids";

const linkSchema = z.object({ label: z.string(), url: z.string() });

export const connectFieldKinds = ["url", "guid", "secret", "text", "select"] as const;

/** One choice of a select, or a value a url field offers to fill in (a region's API host). */
const fieldOptionSchema = z.object({
  value: z.string(),
  label: z.string(),
  /** The cloud it belongs to, when the partner has clouds. */
  cloud: z.string().nullable(),
  /** A value the operator of this Patchbay added through configuration, not one the partner documents. */
  operatorConfigured: z.boolean(),
});

/** A connect form field: rendered by kind, validated by the partner's schema (browser and server alike). */
export const connectFieldSchema = z.object({
  /** The key in the connect request and (except secrets) the stored config. */
  name: z.string(),
  label: z.string(),
  kind: z.enum(connectFieldKinds),
  help: z.string(),
  optional: z.boolean(),
  placeholder: z.string().nullable(),
  /** url: values to fill in from a picker (regions); select: its choices. */
  options: z.array(fieldOptionSchema),
  /** The picker's label and help (url fields with options). */
  optionsLabel: z.string().nullable(),
  optionsHelp: z.string().nullable(),
  /** The `patchbay partner attach` flag that carries it (`--api`, `--user`, `--secret`, …). */
  cli: z.string(),
});
export type ConnectField = z.infer<typeof connectFieldSchema>;

export const partnerCatalogEntrySchema = z.object({
  id: partnerIdSchema,
  name: z.string(),
  vendor: z.string(),
  category: z.string(),
  description: z.string(),
  /** What the connect form asks for, in order; the form renders from this list (plus Name and the features). */
  fields: z.array(connectFieldSchema),
  /** The partner's clouds (Microsoft's commercial and government clouds, Falcon's US-1 …); empty when none. */
  clouds: z.array(z.object({ id: z.string(), label: z.string() })),
  /** The field that tells one connection from another on a card, e.g. “Tenant”. */
  identity: z.object({ field: z.string(), label: z.string() }),
  /** One sentence above the connect form: what to paste, from where. */
  connectIntro: z.string(),
  /** What “Test connection” and a check talk to, for progress text: “Microsoft”. */
  verifiesWith: z.string(),
  /** How Patchbay learns when the secret expires, shown while it does not know. */
  expiryNote: z.string(),
  /**
   * Where verification reads the secret's expiry, for "read from …" (expirySource `graph`). Absent: Microsoft Graph,
   * where that source was first read from.
   */
  expiryReadFrom: z.string().optional(),
  /** After Disconnect: where to revoke the secret at the partner (Patchbay only erased its copy). */
  revokeSecretNote: z.string(),
  /** What a successful check proved, in one sentence. */
  checkSummary: z.string(),
  /**
   * A link that grants the app its permissions in one click (Microsoft's admin consent), per cloud, with
   * `{field}` placeholders filled from the connection's config; null for partners without one.
   */
  grantLink: z
    .object({
      label: z.string(),
      note: z.string(),
      urls: z.array(z.object({ cloud: z.string(), template: z.string(), host: z.string() })),
    })
    .nullable(),
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
