import { queryOptions } from "@tanstack/react-query";
import { userListSchema } from "../../../../shared/auth";
import { apiRequest } from "../../../lib/api-client";
import { userKeys } from "./query-keys";

export const userListQuery = () =>
  queryOptions({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => apiRequest("/users", userListSchema, { signal }),
    select: (data) => data.users,
  });
