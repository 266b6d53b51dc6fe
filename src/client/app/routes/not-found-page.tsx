import { GoToIntegrations } from "./go-to-integrations";
import styles from "./page.module.css";

export function NotFoundPage() {
  return (
    <div className={styles.page}>
      <title>Page not found · Patchbay</title>
      <h1>Page not found</h1>
      <p>There is nothing at this address. Check the link, or start from the list of integrations.</p>
      <GoToIntegrations />
    </div>
  );
}
