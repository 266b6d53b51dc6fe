import { ReadOnlyNotice } from "../../components/read-only-notice";
import { useCapabilities } from "../../features/session/session";
import { GoToIntegrations } from "./go-to-integrations";
import styles from "./page.module.css";

/** What a viewer sees on an admin-only page: why, and where to go instead. */
export function AdminOnly({ what }: { what: string }) {
  const { readOnlyReason } = useCapabilities();
  return (
    <div className={styles.intro}>
      <ReadOnlyNotice reason={readOnlyReason ?? "Only admins can do this. Ask an admin."} />
      <p>{what} is for admins only. You can still see every integration and the audit log.</p>
      <GoToIntegrations />
    </div>
  );
}
