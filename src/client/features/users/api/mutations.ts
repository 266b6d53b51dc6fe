import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { type CreateUser, type UpdateUser, userSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { userKeys } from "./query-keys";

function userPath(id: string): string {
  return `/users/${encodeURIComponent(id)}`;
}

function useRefreshUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: userKeys.all });
}

export function useCreateUser() {
  const refresh = useRefreshUsers();
  return useMutation({
    mutationFn: (input: CreateUser) => apiRequest("/users", userSchema, { method: "POST", body: input }),
    onSuccess: refresh,
    // The variables hold the initial password: keep them no longer than the call.
    gcTime: 0,
  });
}

/** `PATCH /api/users/:id`: role, active, display name. 409 when it would leave no active admin. */
export function useUpdateUser() {
  const refresh = useRefreshUsers();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: UpdateUser }) =>
      apiRequest(userPath(id), userSchema, { method: "PATCH", body: update }),
    onSuccess: refresh,
  });
}

/** `POST /api/users/:id/password` (204): the new password; the user's sessions end. */
export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      apiRequest(`${userPath(id)}/password`, z.unknown(), { method: "POST", body: { password } }),
    gcTime: 0,
  });
}
