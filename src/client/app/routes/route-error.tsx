import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { buttonClass } from "../../components/button";
import { errorMessage } from "../../lib/api-client";
import styles from "./route-error.module.css";

function describe(error: unknown): { title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    return error.status === 404
      ? {
          title: "Page not found",
          message: "There is nothing at this address. Check the link, or start from Integrations.",
        }
      : {
          title: "This page could not be shown",
          message: `The app answered ${error.status} ${error.statusText}.`,
        };
  }
  if (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed/i.test(error.message)
  ) {
    return {
      title: "Patchbay was updated",
      message:
        "Part of this page could not be loaded, probably because a newer version was installed. Reload the page.",
    };
  }
  return { title: "Something went wrong on this page", message: errorMessage(error) };
}

/** The errorElement of every route: what happened and what to do next. */
export function RouteError() {
  const { title, message } = describe(useRouteError());
  return (
    <div className={styles.error}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p className={styles.actions}>
        <button type="button" className={buttonClass("primary")} onClick={() => window.location.reload()}>
          Reload the page
        </button>
        <Link to="/integrations" className={buttonClass()}>
          Go to Integrations
        </Link>
      </p>
    </div>
  );
}

/** The root route's errorElement, shown without the app shell, so it brings its own landmark. */
export function RootError() {
  return (
    <main className={styles.root}>
      <RouteError />
    </main>
  );
}
