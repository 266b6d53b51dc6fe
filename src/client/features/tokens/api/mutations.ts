import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiTokenSchema, type CreateApiToken, createdApiTokenSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { tokenKeys } from "./query-keys";

/**
 * `POST /api/tokens` → `{ token, secret }`. The secret is handed to the caller and not kept: `gcTime: 0` drops the
 * mutation's result as soon as nothing observes it, and the caller resets the mutation once it has the secret.
 */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateApiToken) =>
      apiRequest("/tokens", createdApiTokenSchema, { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
    gcTime: 0,
  });
}

/** `DELETE /api/tokens/:id` → the revoked token. */
export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`/tokens/${encodeURIComponent(id)}`, apiTokenSchema, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
