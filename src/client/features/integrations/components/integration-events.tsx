import { useQuery } from "@tanstack/react-query";
import { Loading } from "../../../components/loading";
import { QueryError } from "../../../components/query-error";
import { integrationEventsQuery } from "../api/queries";
import { EventLog } from "./event-log";

/** The event log of one integration, refreshed with it. */
export function IntegrationEvents({
  integrationId,
  labelledBy,
}: {
  integrationId: string;
  labelledBy: string;
}) {
  const events = useQuery(integrationEventsQuery(integrationId));
  if (events.isPending) return <Loading what="the event log" />;
  if (events.isError)
    return <QueryError what="the event log" error={events.error} onRetry={() => events.refetch()} />;
  return <EventLog events={events.data} labelledBy={labelledBy} />;
}
