import { queryOptions } from "@tanstack/react-query";
import { partnersResponseSchema } from "../../../../shared/catalog";
import {
  type Integration,
  type IntegrationList,
  integrationEventListSchema,
  integrationListSchema,
  integrationSchema,
} from "../../../../shared/contract";
import {
  alertSummarySchema,
  deviceSummarySchema,
  syncFreshnessSchema,
  syncStateSchema,
} from "../../../../shared/data-contract";
import { apiRequest } from "../../../lib/api-client";
import { syncedKeys } from "../../../lib/synced-data-keys";
import { integrationKeys, partnerKeys } from "./query-keys";

const DETAIL_POLL_MS = 30_000;
const CHECKING_POLL_MS = 2_000;

export const partnersQuery = () =>
  queryOptions({
    queryKey: partnerKeys.all,
    queryFn: ({ signal }) => apiRequest("/partners", partnersResponseSchema, { signal }),
    select: (data) => data.partners,
    staleTime: Number.POSITIVE_INFINITY,
  });

export const integrationListQuery = () =>
  queryOptions({
    queryKey: integrationKeys.list(),
    // The page shows every connection, grouped by partner: follow the pages (500 each, so one request for any
    // console short of a very large estate).
    queryFn: async ({ signal }): Promise<IntegrationList> => {
      const all: Integration[] = [];
      for (let cursor: string | null = null; ; ) {
        const page: IntegrationList = await apiRequest(
          `/integrations?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          integrationListSchema,
          { signal },
        );
        all.push(...page.integrations);
        cursor = page.nextCursor;
        if (cursor === null) return { integrations: all, nextCursor: null };
      }
    },
    select: (data) => data.integrations,
  });

export const integrationQuery = (id: string) =>
  queryOptions({
    queryKey: integrationKeys.detail(id),
    queryFn: ({ signal }) =>
      apiRequest(`/integrations/${encodeURIComponent(id)}`, integrationSchema, { signal }),
    refetchInterval: (query) => (query.state.data?.status === "checking" ? CHECKING_POLL_MS : DETAIL_POLL_MS),
  });

export const integrationEventsQuery = (id: string) =>
  queryOptions({
    queryKey: integrationKeys.events(id),
    queryFn: ({ signal }) =>
      apiRequest(`/integrations/${encodeURIComponent(id)}/events`, integrationEventListSchema, { signal }),
    select: (data) => data.events,
    refetchInterval: DETAIL_POLL_MS,
  });

const FRESHNESS_POLL_MS = 60_000;

/**
 * Every live connection's data freshness in one request (not one sync-state request per card), by connection id;
 * refreshed each minute, as "3 minutes ago" would otherwise drift from the truth.
 */
export const syncFreshnessQuery = () =>
  queryOptions({
    queryKey: integrationKeys.freshness(),
    queryFn: ({ signal }) => apiRequest("/sync/freshness", syncFreshnessSchema, { signal }),
    select: (data) => new Map(data.integrations.map((entry) => [entry.integrationId, entry])),
    refetchInterval: FRESHNESS_POLL_MS,
  });

const SYNC_POLL_MS = 15_000;
const SYNC_RUNNING_POLL_MS = 3_000;

/** Where each sync source stands; polled faster while one runs (the first sync's progress). */
export const syncStateQuery = (id: string) =>
  queryOptions({
    queryKey: integrationKeys.sync(id),
    queryFn: ({ signal }) =>
      apiRequest(`/integrations/${encodeURIComponent(id)}/sync`, syncStateSchema, { signal }),
    refetchInterval: (query) =>
      query.state.data?.sources.some((s) => s.state === "running") ? SYNC_RUNNING_POLL_MS : SYNC_POLL_MS,
  });

const SUMMARY_POLL_MS = 60_000;

/** Alerts created per UTC day and severity over the last 14 days, for one connection's chart. */
export const alertSummaryQuery = (integrationId: string) =>
  queryOptions({
    queryKey: syncedKeys.alertSummary(integrationId),
    queryFn: ({ signal }) =>
      apiRequest(`/alerts/summary?${new URLSearchParams({ integrationId })}`, alertSummarySchema, { signal }),
    refetchInterval: SUMMARY_POLL_MS,
  });

/** One connection's devices counted by health, onboarding status, risk and exposure. */
export const deviceSummaryQuery = (integrationId: string) =>
  queryOptions({
    queryKey: syncedKeys.deviceSummary(integrationId),
    queryFn: ({ signal }) =>
      apiRequest(`/devices/summary?${new URLSearchParams({ integrationId })}`, deviceSummarySchema, {
        signal,
      }),
    refetchInterval: SUMMARY_POLL_MS,
  });
