import type { QueryClient } from "@tanstack/react-query";
import { type LoaderFunctionArgs, redirect } from "react-router";
import { sessionQuery, setupStatusQuery } from "../features/session/api/queries";
import { DEFAULT_PATH, safeNextPath, signInPath } from "../features/session/session";

/** The session as the server sees it now, not as cached (after sign-out or expiry the cache may be behind). */
function freshSession(queryClient: QueryClient) {
  return queryClient.fetchQuery({ ...sessionQuery(), staleTime: 0 });
}

/**
 * Loader of the signed-in part of the app: without a session, go to sign in (and come back here afterwards), or,
 * while Patchbay has no admin yet, to the page that explains the setup link.
 */
export function requireSession(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    const session = await queryClient.ensureQueryData(sessionQuery());
    if (session) return null;
    const { needed } = await queryClient.fetchQuery(setupStatusQuery());
    const url = new URL(request.url);
    throw redirect(needed ? "/setup" : signInPath(url.pathname + url.search));
  };
}

/** `/sign-in`: someone already signed in goes on to `next`; before setup, to the setup explanation. */
export function signInLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    const session = await freshSession(queryClient);
    if (session) throw redirect(safeNextPath(new URL(request.url).searchParams.get("next")));
    const { needed } = await queryClient.fetchQuery(setupStatusQuery());
    if (needed) throw redirect("/setup");
    return null;
  };
}

export interface SetupLoaderData {
  needed: boolean;
}

/** `/setup`: whether the first admin still has to be created. */
export function setupLoader(queryClient: QueryClient) {
  return async (): Promise<SetupLoaderData> => {
    const session = await freshSession(queryClient);
    if (session) throw redirect(DEFAULT_PATH);
    return queryClient.fetchQuery(setupStatusQuery());
  };
}
