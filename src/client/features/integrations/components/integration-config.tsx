import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { Integration } from "../../../../shared/contract";
import { CopyButton } from "../../../components/copy-button";
import styles from "./integration-config.module.css";

interface IntegrationConfigProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
}

/** The non-secret configuration, each value copyable for the Azure portal or a support ticket. */
export function IntegrationConfig({ integration, partner }: IntegrationConfigProps) {
  const { baseUrl, tenantId, appId, cloud } = integration.config;
  const cloudLabel = partner?.clouds.find((c) => c.id === cloud)?.label ?? cloud;
  const rows = [
    { label: "Base URL", value: baseUrl },
    { label: "Tenant ID", value: tenantId },
    { label: "App ID", value: appId },
  ];
  return (
    <dl className={styles.list}>
      {rows.map(({ label, value }) => (
        <div key={label} className={styles.row}>
          <dt>{label}</dt>
          <dd>
            <code>{value}</code>
            <CopyButton value={value} label={label} />
          </dd>
        </div>
      ))}
      <div className={styles.row}>
        <dt>Cloud</dt>
        <dd>{cloudLabel}</dd>
      </div>
    </dl>
  );
}
