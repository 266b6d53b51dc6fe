import { Link } from "react-router";
import { buttonClass } from "../../components/button";

/** The way on from a page that has nothing (more) to offer: the list of integrations. */
export function GoToIntegrations() {
  return (
    <p>
      <Link to="/integrations" className={buttonClass("primary")}>
        Go to Integrations
      </Link>
    </p>
  );
}
