import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { configText, type Integration } from "../../../../shared/contract";
import { CopyButton } from "../../../components/copy-button";
import styles from "./integration-config.module.css";

interface IntegrationConfigProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
}

/**
 * The non-secret configuration (the partner's fields, as its catalog labels them), each value copyable for the
 * partner's portal or a support ticket.
 */
export function IntegrationConfig({ integration, partner }: IntegrationConfigProps) {
  const { cloud } = integration.config;
  const cloudLabel = partner?.clouds.find((c) => c.id === cloud)?.label ?? cloud;
  const rows = (partner?.fields ?? [])
    .filter((field) => field.kind !== "secret")
    .flatMap((field) => {
      const value = configText(integration.config, field.name);
      return value === undefined || value === "" ? [] : [{ label: field.label, value }];
    });
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
      {cloudLabel ? (
        <div className={styles.row}>
          <dt>Cloud</dt>
          <dd>{cloudLabel}</dd>
        </div>
      ) : null}
    </dl>
  );
}
