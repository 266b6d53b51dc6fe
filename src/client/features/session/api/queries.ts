import { queryOptions } from "@tanstack/react-query";
import { type Session, sessionSchema, setupStatusSchema } from "../../../../shared/auth";
import { ApiRequestError, apiRequest } from "../../../lib/api-client";
import { sessionKeys } from "./query-keys";

/**
 * `GET /api/session`: the signed-in user and the anti-CSRF token, or `null` when nobody is signed in. The token
 * lives only here, in memory; never in web storage.
 */
export const sessionQuery = () =>
  queryOptions({
    queryKey: sessionKeys.current,
    queryFn: async ({ signal }): Promise<Session | null> => {
      try {
        return await apiRequest("/session", sessionSchema, { signal, redirectOnUnauthorized: false });
      } catch (error) {
        if (error instanceof ApiRequestError && error.status === 401) return null;
        throw error;
      }
    },
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
