import type { ComponentType } from "react";
import type { PartnerId } from "../../../../shared/partners/ids";
import { FalconSetupGuide } from "./crowdstrike/setup-guide";
import { DefenderSetupGuide } from "./defender/setup-guide";
import { SentinelOneSetupGuide } from "./sentinelone/setup-guide";
import type { SetupGuideProps } from "./types";

/**
 * The one piece of UI each partner brings: its setup guide, beside the connect form, in the partner's own terms
 * (Entra's app registration and admin consent for Microsoft). Everything else renders from the catalog.
 */

export type { SetupGuideProps } from "./types";

const guides: Record<PartnerId, ComponentType<SetupGuideProps>> = {
  defender: DefenderSetupGuide,
  crowdstrike: FalconSetupGuide,
  sentinelone: SentinelOneSetupGuide,
};

export function PartnerSetupGuide({ partner, draft }: SetupGuideProps) {
  const Guide = guides[partner.id];
  return <Guide partner={partner} draft={draft} />;
}
