import type { Integration, IntegrationEvent } from "../../../shared/contract";
import type { IntegrationListQuery } from "../../../shared/data-contract";
import { changeActions } from "./change";
import { checkActions } from "./check";
import { connectActions } from "./connect";
import { type IntegrationDeps, rowHelpers, toEvent, toIntegration } from "./context";
import { disconnectActions } from "./disconnect";

/**
 * Integrations (DESIGN §4–§7, §11), partner-agnostic: each action asks the partner's adapter to parse, identify and
 * verify, and does the rest (sealing the secret, the one-active-connection rule, events and audit) the same way for
 * every partner. The actions live in units named by what they do: connect.ts (test, connect), change.ts,
 * check.ts, disconnect.ts.
 */
export function createIntegrationService(deps: IntegrationDeps) {
  const { repo } = deps;
  const { load } = rowHelpers(deps);
  return {
    async page(
      query: IntegrationListQuery,
    ): Promise<{ integrations: Integration[]; nextCursor: string | null }> {
      const { rows, nextCursor } = await repo.page(query);
      return { integrations: rows.map(toIntegration), nextCursor };
    },

    async get(id: string): Promise<Integration> {
      return toIntegration(await load(id));
    },

    async events(id: string): Promise<IntegrationEvent[]> {
      await load(id);
      return (await repo.events(id)).map(toEvent);
    },

    dueForRecheck(before: Date): Promise<string[]> {
      return repo.dueForRecheck(before);
    },

    ...connectActions(deps),
    ...changeActions(deps),
    ...checkActions(deps),
    ...disconnectActions(deps),
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
export { toIntegration };
