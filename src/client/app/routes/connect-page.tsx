import { useQuery } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { Loading } from "../../components/loading";
import { QueryError } from "../../components/query-error";
import { ReadOnlyNotice } from "../../components/read-only-notice";
import { partnersQuery } from "../../features/integrations/api/queries";
import type { ConnectFormInitialValues } from "../../features/integrations/components/connect-form";
import { ConnectPanel } from "../../features/integrations/components/connect-panel";
import { SetupGuide } from "../../features/integrations/components/setup-guide";
import type { ConnectDraft } from "../../features/integrations/features";
import { useCapabilities } from "../../features/session/session";
import { GoToIntegrations } from "./go-to-integrations";
import { NotFoundPage } from "./not-found-page";
import styles from "./page.module.css";

/** Non-secret values a "Connect again" link may carry. A secret is never read from the URL. */
function initialValuesFrom(params: URLSearchParams): ConnectFormInitialValues {
  return {
    name: params.get("name") ?? undefined,
    baseUrl: params.get("baseUrl") ?? undefined,
    tenantId: params.get("tenantId") ?? undefined,
    appId: params.get("appId") ?? undefined,
    features: params.get("features")?.split(",") ?? undefined,
  };
}

export function ConnectPage() {
  const { partnerId } = useParams();
  const [searchParams] = useSearchParams();
  const partners = useQuery(partnersQuery());
  const { readOnlyReason } = useCapabilities();
  // What the form holds now (features, Tenant ID, App ID, cloud), for the setup guide beside it.
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
            <p className={styles.muted}>
              Paste the values of the Microsoft Entra app registration you created for Patchbay. The setup
              guide beside the form shows where to find each one.
            </p>
          </div>
          <div className={styles.connectLayout}>
            <ConnectPanel
              partner={partner}
              initialValues={initialValuesFrom(searchParams)}
              onDraftChange={setDraft}
            />
            <SetupGuide partner={partner} draft={draft} />
          </div>
        </>
      )}
    </div>
  );
}
