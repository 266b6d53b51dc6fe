import { Link } from "react-router";
import { buttonClass } from "../../components/button";
import styles from "./page.module.css";

export function NotFoundPage() {
  return (
    <div className={styles.page}>
      <title>Page not found · Patchbay</title>
      <h1>Page not found</h1>
      <p>There is nothing at this address. Check the link, or start from the list of integrations.</p>
      <p>
        <Link to="/integrations" className={buttonClass("primary")}>
          Go to Integrations
        </Link>
      </p>
    </div>
  );
}
