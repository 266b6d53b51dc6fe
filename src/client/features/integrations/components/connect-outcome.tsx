import { CircleCheck, CircleX, TriangleAlert } from "lucide-react";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import type { PartnerCatalogEntry } from "../../../../shared/catalog";
import type { VerificationReport } from "../../../../shared/contract";
import styles from "./connect-outcome.module.css";
import { VerificationChecklist } from "./verification-checklist";

/** What the last Test connection / Connect produced, short of success (which navigates away). */
export type ConnectOutcomeState =
  | { kind: "tested"; report: VerificationReport }
  | { kind: "rejected"; report: VerificationReport }
  | { kind: "conflict"; message: string; integrationId: string }
  | { kind: "error"; message: string };

function summaryOf(report: VerificationReport): string {
  if (report.status === "connected") return "All checks passed.";
  if (report.status === "degraded") {
    return `The connection works, but needs attention: ${report.error?.message ?? "see the steps below."}`;
  }
  return report.error?.message ?? "Verification failed; see the steps below.";
}

function ReportOutcome({
  report,
  stored,
  partner,
}: {
  report: VerificationReport;
  stored: "tested" | "rejected";
  partner: PartnerCatalogEntry | undefined;
}) {
  const Icon =
    report.status === "connected" ? CircleCheck : report.status === "degraded" ? TriangleAlert : CircleX;
  const next =
    stored === "rejected"
      ? "Nothing was stored. Fix what failed, then choose Connect again."
      : report.ok
        ? "Nothing was stored. Choose Connect to store this connection."
        : "Nothing was stored. Fix what failed, then test again.";
  return (
    <>
      <p className={`${styles.summary} ${styles[report.status]}`}>
        <Icon size={18} aria-hidden="true" />
        <span>{summaryOf(report)}</span>
      </p>
      <p className={styles.next}>{next}</p>
      <VerificationChecklist report={report} partner={partner} />
    </>
  );
}

/** The result of Test connection or a refused Connect, focused when it arrives so keyboard users land on it. */
export function ConnectOutcome({
  outcome,
  partner,
}: {
  outcome: ConnectOutcomeState;
  /** For the features' labels in the checklist. */
  partner?: PartnerCatalogEntry | undefined;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The panel clears the outcome before each attempt, so this mounts once per result.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const heading =
    outcome.kind === "tested"
      ? "Test result"
      : outcome.kind === "rejected"
        ? "Not connected: verification failed"
        : "Not connected";

  return (
    <section className={styles.outcome} aria-labelledby="connect-outcome-heading">
      <h2 id="connect-outcome-heading" ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      {outcome.kind === "tested" || outcome.kind === "rejected" ? (
        <ReportOutcome report={outcome.report} stored={outcome.kind} partner={partner} />
      ) : outcome.kind === "conflict" ? (
        <p className={styles.summary}>
          <TriangleAlert size={18} aria-hidden="true" />
          <span>
            {outcome.message}{" "}
            <Link to={`/integrations/${outcome.integrationId}`}>Open the existing connection</Link>
          </span>
        </p>
      ) : (
        <p className={`${styles.summary} ${styles.error}`} role="alert">
          <CircleX size={18} aria-hidden="true" />
          <span>{outcome.message}</span>
        </p>
      )}
    </section>
  );
}
