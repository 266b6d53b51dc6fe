import { useQuery } from "@tanstack/react-query";
import type { Integration } from "../../../shared/contract";
import { Loading } from "../../components/loading";
import { QueryError } from "../../components/query-error";
import { useToast } from "../../components/toaster";
import { useDisconnectIntegration } from "../../features/integrations/api/mutations";
import { integrationListQuery, partnersQuery } from "../../features/integrations/api/queries";
import { PartnerCard } from "../../features/integrations/components/partner-card";
import { useCapabilities } from "../../features/session/session";
import styles from "./page.module.css";

export function IntegrationsPage() {
  const partners = useQuery(partnersQuery());
  const integrations = useQuery(integrationListQuery());
  const disconnect = useDisconnectIntegration();
  const notify = useToast();
  const { readOnlyReason } = useCapabilities();

  async function disconnectIntegration(integration: Integration) {
    await disconnect.mutateAsync(integration.id);
    notify({ tone: "success", title: "Disconnected", description: `${integration.name} is disconnected.` });
  }

  function content() {
    if (partners.isPending || integrations.isPending) return <Loading what="integrations" />;
    if (partners.isError) {
      return (
        <QueryError what="the partner catalog" error={partners.error} onRetry={() => partners.refetch()} />
      );
    }
    if (integrations.isError) {
      return (
        <QueryError
          what="your integrations"
          error={integrations.error}
          onRetry={() => integrations.refetch()}
        />
      );
    }
    return (
      <div className={styles.cards}>
        {partners.data.map((partner) => (
          <PartnerCard
            key={partner.id}
            partner={partner}
            integrations={integrations.data.filter((integration) => integration.partner === partner.id)}
            onDisconnect={disconnectIntegration}
            readOnlyReason={readOnlyReason}
          />
        ))}
      </div>
    );
  }

  return (
    <div className={styles.page}>
      <title>Integrations · Patchbay</title>
      <div className={styles.intro}>
        <h1>Integrations</h1>
        <p className={styles.muted}>
          Connect the security products you use. Patchbay verifies every connection with the product before
          storing it, and shows its status here.
        </p>
      </div>
      {content()}
    </div>
  );
}
