import { ArrowLeft, RefreshCw } from "lucide-react";
import { type ReactNode, useRef } from "react";
import { Link } from "react-router";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import {
  configText,
  type Integration,
  type VerificationReport,
  verificationReportSchema,
} from "../../../../shared/contract";
import { replaceSecretRequest, secretFieldOf } from "../../../../shared/partners/registry";
import { buttonClass } from "../../../components/button";
import { ProgressStatus } from "../../../components/form-layout";
import panelStyles from "../../../components/panel.module.css";
import { ReadOnlyNotice } from "../../../components/read-only-notice";
import { useToast } from "../../../components/toaster";
import { ApiRequestError, errorMessage } from "../../../lib/api-client";
import { useDelayedFlag } from "../../../lib/use-delayed-flag";
import {
  useDisconnectAndDeleteData,
  useDisconnectIntegration,
  useRecheckIntegration,
  useUpdateIntegration,
} from "../api/mutations";
import { apiOrderOf } from "../features";
import { AdminConsent } from "./admin-consent";
import { DataSection } from "./data-section";
import { DeleteDataDialog, erasedData } from "./delete-data-dialog";
import { DisconnectDialog } from "./disconnect-dialog";
import { FeaturesSection, type SaveFeaturesResult } from "./features-section";
import { IntegrationConfig } from "./integration-config";
import styles from "./integration-detail.module.css";
import { IntegrationEvents } from "./integration-events";
import { IntegrationStatus } from "./integration-status";
import { PermissionList } from "./permission-list";
import { type SaveExpiryResult, SecretExpiry } from "./secret-expiry";
import { type SaveSecretResult, SecretSection } from "./secret-section";
import { StatusBadge, statusLabel } from "./status-badge";
import { VerificationChecklist } from "./verification-checklist";

/** The connect page, prefilled with this integration's non-secret configuration (its partner's fields). */
function connectAgainPath(integration: Integration, partner: PartnerCatalogEntry | undefined): string {
  const query = new URLSearchParams();
  for (const field of partner?.fields ?? []) {
    const value = field.kind === "secret" ? undefined : configText(integration.config, field.name);
    if (value !== undefined) query.set(field.name, value);
  }
  query.set("name", integration.name);
  query.set("features", integration.config.features.join(","));
  return `/integrations/connect/${integration.partner}?${query.toString()}`;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className={panelStyles.panel}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

interface IntegrationDetailProps {
  integration: Integration;
  partner: PartnerCatalogEntry | undefined;
  /** Why the user cannot re-check, replace or disconnect (a viewer); undefined when they can. */
  readOnlyReason?: string | undefined;
}

/** Re-check and Disconnect as a viewer sees them: there, but disabled, with the reason beside them. */
function RestrictedActions({ disconnected, reason }: { disconnected: boolean; reason: string }) {
  return (
    <>
      {disconnected ? null : (
        <>
          <button type="button" className={buttonClass()} disabled aria-describedby="actions-restricted">
            <RefreshCw size={16} aria-hidden="true" />
            Re-check
          </button>
          <button
            type="button"
            className={buttonClass("danger")}
            disabled
            aria-describedby="actions-restricted"
          >
            Disconnect
          </button>
          <button
            type="button"
            className={buttonClass("danger")}
            disabled
            aria-describedby="actions-restricted"
          >
            Delete synced data and disconnect
          </button>
        </>
      )}
      <ReadOnlyNotice id="actions-restricted" reason={reason} />
    </>
  );
}

/** A refused PATCH: the failed verification's report, the message for the field that was sent, or a message. */
function updateFailure(
  error: unknown,
  field: string,
): { ok: false; report?: VerificationReport; fieldError?: string; message?: string } {
  if (!(error instanceof ApiRequestError)) return { ok: false, message: errorMessage(error) };
  const report = verificationReportSchema.safeParse(error.detail);
  if (error.code === "verification_failed" && report.success) return { ok: false, report: report.data };
  const fieldError = error.fields?.[field];
  return fieldError ? { ok: false, fieldError } : { ok: false, message: error.message };
}

/** One connection: status and why, configuration, secret, permissions, last verification, events, actions. */
export function IntegrationDetail({ integration, partner, readOnlyReason }: IntegrationDetailProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const recheck = useRecheckIntegration(integration.id);
  const update = useUpdateIntegration(integration.id);
  const disconnect = useDisconnectIntegration();
  const deleteData = useDisconnectAndDeleteData();
  const notify = useToast();
  const showRecheckProgress = useDelayedFlag(recheck.isPending);
  const disconnected = integration.status === "disconnected";

  async function runRecheck() {
    try {
      const checked = await recheck.mutateAsync();
      notify({
        tone: checked.status === "error" ? "error" : "success",
        title: "Re-check finished",
        description: `${checked.name} is ${statusLabel(checked.status).toLowerCase()}.`,
      });
    } catch (error) {
      notify({ tone: "error", title: "Re-check failed", description: errorMessage(error) });
    }
  }

  async function saveSecret(secret: string): Promise<SaveSecretResult> {
    try {
      await update.mutateAsync(replaceSecretRequest(integration.partner, secret));
      notify({
        tone: "success",
        title: "Secret replaced",
        description: "Patchbay verified and stored the new secret.",
      });
      return { ok: true };
    } catch (error) {
      return updateFailure(error, secretFieldOf(integration.partner).field);
    }
  }

  async function saveFeatures(features: string[]): Promise<SaveFeaturesResult> {
    try {
      const updated = await update.mutateAsync({ features });
      notify({
        tone: updated.status === "error" ? "error" : "success",
        title: "Features saved",
        description: `${updated.name} is ${statusLabel(updated.status).toLowerCase()}.`,
      });
      return { ok: true };
    } catch (error) {
      return updateFailure(error, "features");
    }
  }

  async function saveExpiry(secretExpiresAt: string | null): Promise<SaveExpiryResult> {
    try {
      await update.mutateAsync({ secretExpiresAt });
      notify({
        tone: "success",
        title: secretExpiresAt === null ? "Expiry date cleared" : "Expiry date saved",
        description:
          secretExpiresAt === null
            ? "Patchbay no longer knows when the secret expires."
            : "Patchbay warns 30 days before the secret expires.",
      });
      return { ok: true };
    } catch (error) {
      const failure = updateFailure(error, "secretExpiresAt");
      if (failure.report)
        return { ok: false, message: failure.report.error?.message ?? "Verification failed." };
      return failure;
    }
  }

  async function confirmDisconnect() {
    await disconnect.mutateAsync(integration.id);
    notify({ tone: "success", title: "Disconnected", description: `${integration.name} is disconnected.` });
  }

  async function confirmDeleteData() {
    await deleteData.mutateAsync(integration.id);
    const erased = erasedData(integration.name);
    notify({
      tone: "success",
      title: disconnected ? "Synced data deleted" : "Disconnected and data deleted",
      description: disconnected
        ? `Patchbay deleted ${erased}.`
        : `${integration.name} is disconnected, and Patchbay deleted ${erased}.`,
    });
  }

  return (
    <article className={styles.detail} aria-labelledby="integration-heading">
      <Link to="/integrations" className={styles.back}>
        <ArrowLeft size={16} aria-hidden="true" />
        All integrations
      </Link>
      <header className={styles.header}>
        <div className={styles.title}>
          <h1 id="integration-heading" ref={headingRef} tabIndex={-1}>
            {integration.name}
          </h1>
          <StatusBadge status={integration.status} />
        </div>
        <p className={styles.partner}>{partner?.name ?? integration.partner}</p>
        <div className={styles.actions}>
          {readOnlyReason !== undefined ? (
            <RestrictedActions disconnected={disconnected} reason={readOnlyReason} />
          ) : disconnected ? (
            <>
              <Link to={connectAgainPath(integration, partner)} className={buttonClass("primary")}>
                Connect again
              </Link>
              <DeleteDataDialog
                integrationName={integration.name}
                disconnected
                partner={partner}
                onConfirm={confirmDeleteData}
                fallbackFocus={headingRef}
              />
            </>
          ) : (
            <>
              <button
                type="button"
                className={buttonClass()}
                disabled={recheck.isPending || integration.status === "checking"}
                aria-describedby="recheck-progress"
                onClick={runRecheck}
              >
                <RefreshCw size={16} aria-hidden="true" />
                Re-check
              </button>
              <DisconnectDialog
                partner={partner}
                integrationName={integration.name}
                onConfirm={confirmDisconnect}
                fallbackFocus={headingRef}
              />
              <DeleteDataDialog
                integrationName={integration.name}
                disconnected={false}
                partner={partner}
                onConfirm={confirmDeleteData}
                fallbackFocus={headingRef}
              />
            </>
          )}
          <ProgressStatus id="recheck-progress" active={showRecheckProgress}>
            {`Checking with ${partner?.verifiesWith ?? "the partner"}…`}
          </ProgressStatus>
        </div>
      </header>

      <Section id="section-status" title="Status">
        <IntegrationStatus integration={integration} partner={partner} />
      </Section>
      <Section id="section-features" title="Features">
        <FeaturesSection
          integration={integration}
          partner={partner}
          onSaveFeatures={saveFeatures}
          readOnlyReason={readOnlyReason}
        />
      </Section>
      <Section id="section-data" title="Data">
        <DataSection
          integrationId={integration.id}
          disconnected={integration.status === "disconnected"}
          readOnlyReason={readOnlyReason}
        />
      </Section>
      <Section id="section-config" title="Configuration">
        <IntegrationConfig integration={integration} partner={partner} />
      </Section>
      <Section
        id="section-secret"
        title={partner?.fields.find((field) => field.kind === "secret")?.label ?? "Secret"}
      >
        <SecretSection
          integration={integration}
          partner={partner}
          onSaveSecret={saveSecret}
          readOnlyReason={readOnlyReason}
        />
        <SecretExpiry
          integration={integration}
          partner={partner}
          onSaveExpiry={saveExpiry}
          readOnlyReason={readOnlyReason}
        />
      </Section>
      <Section id="section-permissions" title="Permissions">
        <PermissionList
          permissions={integration.permissions}
          label="Required permissions"
          apiOrder={apiOrderOf(partner)}
        />
        <AdminConsent
          integration={integration}
          partner={partner}
          onRecheck={runRecheck}
          recheckPending={recheck.isPending}
          readOnlyReason={readOnlyReason}
        />
      </Section>
      <Section id="section-verification" title="Last verification">
        {integration.lastReport ? (
          <VerificationChecklist report={integration.lastReport} partner={partner} />
        ) : (
          <p className={styles.muted}>No verification recorded.</p>
        )}
      </Section>
      <Section id="section-events" title="Event log">
        <IntegrationEvents integrationId={integration.id} labelledBy="section-events" />
      </Section>
    </article>
  );
}
