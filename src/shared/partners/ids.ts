import { z } from "zod";

/** Every partner Patchbay connects. A partner is a folder under src/shared/partners/ and src/server/partners/. */
export const partnerIds = ["defender", "crowdstrike", "sentinelone"] as const;
export const partnerIdSchema = z.enum(partnerIds, {
  error: `partner must be ${partnerIds.map((id) => `“${id}”`).join(" or ")}.`,
});
export type PartnerId = z.infer<typeof partnerIdSchema>;
