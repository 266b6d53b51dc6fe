import { queryOptions } from "@tanstack/react-query";
import { apiTokenListSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { tokenKeys } from "./query-keys";

export const tokenListQuery = () =>
  queryOptions({
    queryKey: tokenKeys.list(),
    queryFn: ({ signal }) => apiRequest("/tokens", apiTokenListSchema, { signal }),
    select: (data) => data.tokens,
  });
