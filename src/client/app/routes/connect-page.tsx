import { useQuery } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { PartnerCatalogEntry } from "../../../shared/catalog";
import { Loading } from "../../components/loading";
import { QueryError } from "../../components/query-error";
import { ReadOnlyNotice } from "../../components/read-only-notice";
import { partnersQuery } from "../../features/integrations/api/queries";
import type { ConnectFormInitialValues } from "../../features/integrations/components/connect-form";
import { ConnectPanel } from "../../features/integrations/components/connect-panel";
import type { ConnectDraft } from "../../features/integrations/features";
import { PartnerSetupGuide } from "../../features/integrations/partners/setup-guides";
import { useCapabilities } from "../../features/session/session";
import { GoToIntegrations } from "./go-to-integrations";
import { NotFoundPage } from "./not-found-page";
import styles from "./page.module.css";

/** Non-secret values a "Connect again" link may carry. A secret is never read from the URL. */
function initialValuesFrom(partner: PartnerCatalogEntry, params: URLSearchParams): ConnectFormInitialValues {
  const values: Record<string, string> = {};
  for (const field of partner.fields) {
    const value = field.kind === "secret" ? null : params.get(field.name);
    if (value !== null) values[field.name] = value;
  }
  return {
    name: params.get("name") ?? undefined,
    values,
    features: params.get("features")?.split(",") ?? undefined,
  };
}

export function ConnectPage() {
  const { partnerId } = useParams();
  const [searchParams] = useSearchParams();
  const partners = useQuery(partnersQuery());
  const { readOnlyReason } = useCapabilities();
  // What the form holds now (features and the fields typed so far), for the setup guide beside it.
  const [draft, setDraft] = useState<ConnectDraft | undefined>(undefined);

  if (partners.isPending) return <Loading what="the connect form" />;
  if (partners.isError) {
    return (
      <QueryError what="the partner catalog" error={partners.error} onRetry={() => partners.refetch()} />
    );
  }
  const partner = partners.data.find((entry) => entry.id === partnerId);
  if (!partner) return <NotFoundPage />;

  return (
    <div className={styles.page}>
      <title>{`Connect ${partner.name} · Patchbay`}</title>
      <Link to="/integrations" className={styles.back}>
        <ArrowLeft size={16} aria-hidden="true" />
        All integrations
      </Link>
      {readOnlyReason !== undefined ? (
        <div className={styles.intro}>
          <h1>Connect {partner.name}</h1>
          <ReadOnlyNotice reason={readOnlyReason} />
          <p>
            Connecting stores credentials that can read this tenant's security data, so only admins can do it.
            You can still see every integration, its status and its events.
          </p>
          <GoToIntegrations />
        </div>
      ) : (
        <>
          <div className={styles.intro}>
            <h1>Connect {partner.name}</h1>
            <p className={styles.muted}>{partner.connectIntro}</p>
          </div>
          <div className={styles.connectLayout}>
            <ConnectPanel
              partner={partner}
              initialValues={initialValuesFrom(partner, searchParams)}
              onDraftChange={setDraft}
            />
            <PartnerSetupGuide partner={partner} draft={draft} />
          </div>
        </>
      )}
    </div>
  );
}
