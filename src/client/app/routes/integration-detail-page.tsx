import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { Loading } from "../../components/loading";
import { QueryError } from "../../components/query-error";
import { integrationQuery, partnersQuery } from "../../features/integrations/api/queries";
import { IntegrationDetail } from "../../features/integrations/components/integration-detail";
import { useCapabilities } from "../../features/session/session";
import { ApiRequestError } from "../../lib/api-client";
import { GoToIntegrations } from "./go-to-integrations";
import styles from "./page.module.css";

function IntegrationNotFound() {
  return (
    <div className={styles.page}>
      <title>Integration not found · Patchbay</title>
      <h1>Integration not found</h1>
      <p>
        No integration has this address. It may have been mistyped; disconnected integrations stay listed.
      </p>
      <GoToIntegrations />
    </div>
  );
}

export function IntegrationDetailPage() {
  const { id = "" } = useParams();
  const integration = useQuery(integrationQuery(id));
  const partners = useQuery(partnersQuery());
  const { readOnlyReason } = useCapabilities();

  if (integration.isPending) return <Loading what="the integration" />;
  if (integration.isError) {
    if (integration.error instanceof ApiRequestError && integration.error.status === 404) {
      return <IntegrationNotFound />;
    }
    return (
      <QueryError what="the integration" error={integration.error} onRetry={() => integration.refetch()} />
    );
  }

  return (
    <>
      <title>{`${integration.data.name} · Patchbay`}</title>
      <IntegrationDetail
        key={integration.data.id}
        integration={integration.data}
        partner={partners.data?.find((partner) => partner.id === integration.data.partner)}
        readOnlyReason={readOnlyReason}
      />
    </>
  );
}
