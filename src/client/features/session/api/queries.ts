import { queryOptions } from "@tanstack/react-query";
import { currentSessionSchema, type Session, setupStatusSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { sessionKeys } from "./query-keys";

/**
 * `GET /api/session/current`: the signed-in user and the anti-CSRF token, or `null` when nobody is signed in
 * (a 200 either way, so a signed-out visitor's console shows no failed request). The token lives only here, in
 * memory; never in web storage.
 */
export const sessionQuery = () =>
  queryOptions({
    queryKey: sessionKeys.current,
    queryFn: async ({ signal }): Promise<Session | null> =>
      (
        await apiRequest("/session/current", currentSessionSchema, {
          signal,
          redirectOnUnauthorized: false,
        })
      ).session,
    staleTime: 60_000,
  });

/** `GET /api/setup`: whether the first admin still has to be created with the setup link. */
export const setupStatusQuery = () =>
  queryOptions({
    queryKey: sessionKeys.setup,
    queryFn: ({ signal }) =>
      apiRequest("/setup", setupStatusSchema, { signal, redirectOnUnauthorized: false }),
    staleTime: 0,
  });
