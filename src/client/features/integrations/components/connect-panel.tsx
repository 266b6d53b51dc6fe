import { useState } from "react";
import { useNavigate } from "react-router";
import { z } from "zod";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import { verificationReportSchema } from "../../../../shared/contract";
import type { ConnectRequest } from "../../../../shared/partners/registry";
import { useToast } from "../../../components/toaster";
import { ApiRequestError, errorMessage } from "../../../lib/api-client";
import { useConnectIntegration, useTestConnection } from "../api/mutations";
import type { ConnectDraft } from "../features";
import { ConnectForm, type ConnectFormInitialValues, type SubmitOutcome } from "./connect-form";
import { ConnectOutcome, type ConnectOutcomeState } from "./connect-outcome";
import styles from "./connect-panel.module.css";

const conflictDetailSchema = z.object({ integrationId: z.string() });

/** Sort a failed request into field errors for the form, or an outcome to show under it. */
function classify(error: unknown): { fieldErrors?: Record<string, string>; outcome?: ConnectOutcomeState } {
  if (!(error instanceof ApiRequestError))
    return { outcome: { kind: "error", message: errorMessage(error) } };
  if (error.fields && Object.keys(error.fields).length > 0) return { fieldErrors: error.fields };
  const report = verificationReportSchema.safeParse(error.detail);
  if (error.code === "verification_failed" && report.success) {
    return { outcome: { kind: "rejected", report: report.data } };
  }
  const conflict = conflictDetailSchema.safeParse(error.detail);
  if (error.code === "conflict" && conflict.success) {
    return {
      outcome: { kind: "conflict", message: error.message, integrationId: conflict.data.integrationId },
    };
  }
  return { outcome: { kind: "error", message: error.message } };
}

interface ConnectPanelProps {
  partner: PartnerCatalogEntry;
  initialValues?: ConnectFormInitialValues;
  /** Told what the form holds (features, Tenant ID, App ID, cloud) for the setup guide. */
  onDraftChange?: ((draft: ConnectDraft) => void) | undefined;
}

/** The connect form wired to the API: Test shows the checklist; Connect stores and opens the new connection. */
export function ConnectPanel({ partner, initialValues, onDraftChange }: ConnectPanelProps) {
  const [outcome, setOutcome] = useState<ConnectOutcomeState | null>(null);
  const testConnection = useTestConnection();
  const connectIntegration = useConnectIntegration();
  const navigate = useNavigate();
  const notify = useToast();

  function fail(error: unknown): SubmitOutcome {
    const { fieldErrors, outcome: next } = classify(error);
    setOutcome(next ?? null);
    return { ok: false, fieldErrors };
  }

  async function test(input: ConnectRequest): Promise<SubmitOutcome> {
    setOutcome(null);
    try {
      const report = await testConnection.mutateAsync(input);
      setOutcome({ kind: "tested", report });
      return { ok: true };
    } catch (error) {
      return fail(error);
    }
  }

  async function connect(input: ConnectRequest): Promise<SubmitOutcome> {
    setOutcome(null);
    try {
      const integration = await connectIntegration.mutateAsync(input);
      notify({
        tone: "success",
        title: "Connected",
        description:
          integration.status === "degraded"
            ? `${integration.name} is connected but needs attention.`
            : `${integration.name} is connected.`,
      });
      navigate(`/integrations/${integration.id}`);
      return { ok: true };
    } catch (error) {
      return fail(error);
    }
  }

  return (
    <div className={styles.panel}>
      <ConnectForm
        partner={partner}
        initialValues={initialValues}
        onTest={test}
        onConnect={connect}
        onDraftChange={onDraftChange}
      />
      {outcome ? <ConnectOutcome outcome={outcome} partner={partner} /> : null}
    </div>
  );
}
