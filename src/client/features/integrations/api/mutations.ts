import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Integration } from "../../../../shared/contract";
import { integrationSchema, verificationReportSchema } from "../../../../shared/contract";
import { syncStateSchema } from "../../../../shared/data-contract";
import type { ChangeRequest, ConnectRequest } from "../../../../shared/partners/registry";
import { apiRequest } from "../../../lib/api-client";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { integrationKeys } from "./query-keys";

function integrationPath(id: string): string {
  return `/integrations/${encodeURIComponent(id)}`;
}

/** Store what the server answered and refresh everything that derives from it. */
async function applyIntegration(queryClient: QueryClient, integration: Integration): Promise<void> {
  queryClient.setQueryData(integrationKeys.detail(integration.id), integration);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: integrationKeys.list() }),
    queryClient.invalidateQueries({ queryKey: integrationKeys.freshness() }),
    queryClient.invalidateQueries({ queryKey: integrationKeys.events(integration.id) }),
  ]);
}

/** `POST /api/integrations/test`: verify without storing anything. */
export function useTestConnection() {
  return useMutation({
    mutationFn: (input: ConnectRequest) =>
      apiRequest("/integrations/test", verificationReportSchema, { method: "POST", body: input }),
  });
}

export function useConnectIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ConnectRequest) =>
      apiRequest("/integrations", integrationSchema, { method: "POST", body: input }),
    onSuccess: (integration) => applyIntegration(queryClient, integration),
  });
}

export function useUpdateIntegration(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: ChangeRequest) =>
      apiRequest(integrationPath(id), integrationSchema, { method: "PATCH", body: update }),
    onSuccess: (integration) => applyIntegration(queryClient, integration),
  });
}

export function useRecheckIntegration(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`${integrationPath(id)}/check`, integrationSchema, { method: "POST" }),
    onSuccess: (integration) => applyIntegration(queryClient, integration),
  });
}

export function useDisconnectIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest(integrationPath(id), integrationSchema, { method: "DELETE" }),
    onSuccess: (integration) => applyIntegration(queryClient, integration),
  });
}

/**
 * `DELETE /api/integrations/:id?deleteData=true`: disconnect (if not already) and erase everything the connection
 * synced. Lists and summaries of synced data are reset rather than just marked stale, so no page shows the erased
 * records again, even for a moment from the cache.
 */
export function useDisconnectAndDeleteData() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest(`${integrationPath(id)}?deleteData=true`, integrationSchema, { method: "DELETE" }),
    onSuccess: async (integration) => {
      await Promise.all([
        applyIntegration(queryClient, integration),
        queryClient.invalidateQueries({ queryKey: integrationKeys.sync(integration.id) }),
        queryClient.resetQueries({ queryKey: syncedKeys.all }),
      ]);
    },
  });
}

/** Sync now: every source of the connection is due at once; answers the new sync state. */
export function useSyncNow(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`${integrationPath(id)}/sync`, syncStateSchema, { method: "POST" }),
    onSuccess: async (state) => {
      queryClient.setQueryData(integrationKeys.sync(id), state);
      await queryClient.invalidateQueries({ queryKey: integrationKeys.freshness() });
    },
  });
}
