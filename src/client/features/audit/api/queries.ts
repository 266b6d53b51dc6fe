import { infiniteQueryOptions } from "@tanstack/react-query";
import { auditPageSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { type AuditFilters, auditApiPath, filtersToSearchParams } from "../audit-filters";

export const PAGE_SIZE = 50;

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) =>
    [...auditKeys.all, "list", filtersToSearchParams(filters).toString()] as const,
};

/** `GET /api/audit`, newest first; each further page is older, fetched with the previous page's `nextCursor`. */
export const auditEventsQuery = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      apiRequest(auditApiPath(filters, pageParam, PAGE_SIZE), auditPageSchema, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
  });
