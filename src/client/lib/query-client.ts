import { QueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "./api-client";

function isRetryable(error: unknown): boolean {
  return error instanceof ApiRequestError && (error.code === "network_error" || error.status >= 500);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failureCount, error) => failureCount < 2 && isRetryable(error),
      },
      mutations: { retry: false },
    },
  });
}
