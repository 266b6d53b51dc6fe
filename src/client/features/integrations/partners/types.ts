import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { ConnectDraft } from "../features";

/** What a partner's setup guide is given, beside the connect form. */
export interface SetupGuideProps {
  partner: PartnerCatalogEntry;
  /** What the connect form holds now; without it, the partner's default features. */
  draft?: ConnectDraft | undefined;
}
