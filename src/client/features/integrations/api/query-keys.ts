export const partnerKeys = {
  all: ["partners"] as const,
};

export const integrationKeys = {
  all: ["integrations"] as const,
  list: () => [...integrationKeys.all, "list"] as const,
  /** Every connection's data freshness (GET /api/sync/freshness), for the cards. */
  freshness: () => [...integrationKeys.all, "freshness"] as const,
  detail: (id: string) => [...integrationKeys.all, "detail", id] as const,
  events: (id: string) => [...integrationKeys.detail(id), "events"] as const,
  sync: (id: string) => [...integrationKeys.detail(id), "sync"] as const,
};
