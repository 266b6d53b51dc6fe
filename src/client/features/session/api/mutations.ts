import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { type Session, type Setup, type SignIn, sessionSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { sessionKeys } from "./query-keys";

/** A new session starts from an empty cache: nothing a previous user loaded stays in memory. */
function startSession(queryClient: QueryClient, session: Session): void {
  queryClient.clear();
  queryClient.setQueryData(sessionKeys.current, session);
}

/** `POST /api/session`. A 401 here is a wrong password, not a lost session: no redirect. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SignIn) =>
      apiRequest("/session", sessionSchema, { method: "POST", body: input, redirectOnUnauthorized: false }),
    onSuccess: (session) => startSession(queryClient, session),
    // The variables hold the password: keep them no longer than the page.
    gcTime: 0,
  });
}

/** `POST /api/setup`: creates the first admin with the setup link's token and signs them in. */
export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Setup) =>
      apiRequest("/setup", sessionSchema, { method: "POST", body: input, redirectOnUnauthorized: false }),
    onSuccess: (session) => startSession(queryClient, session),
    // The variables hold the password: keep them no longer than the page.
    gcTime: 0,
  });
}

/** `DELETE /api/session` (204). */
export function useSignOut() {
  return useMutation({
    mutationFn: () =>
      apiRequest("/session", z.unknown(), { method: "DELETE", redirectOnUnauthorized: false }),
  });
}
