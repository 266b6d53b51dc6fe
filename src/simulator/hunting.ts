// A very small stand-in for the advanced-hunting query engine behind MDE `POST /api/advancedqueries/run` and Graph
// `POST /security/runHuntingQuery`: the first pipe segment names a table (DeviceInfo, DeviceProcessEvents,
// AlertInfo); `take N` / `limit N` and `project a, b` are applied; other operators (`where`, `order by`, …) are
// accepted and ignored. Enough for a probe such as `DeviceInfo | take 1`, not a KQL implementation.

import type { SimHuntingTable } from "./seed-data";

export class HuntingError extends Error {}

export interface HuntingResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** The engine's row limit (reference/microsoft-defender.md §4.4). */
const MAX_ROWS = 100_000;

function splitPipes(query: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const ch of query) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "|") {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

export function runHunting(tables: Readonly<Record<string, SimHuntingTable>>, query: string): HuntingResult {
  // Whole-line `//` comments only: `//` inside a string (a URL) is not a comment.
  const text = query
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n")
    .trim();
  if (text === "") throw new HuntingError("The query is empty.");
  const [source = "", ...operators] = splitPipes(text);
  const tableName = Object.keys(tables).find((t) => t.toLowerCase() === source.toLowerCase());
  const table = tableName === undefined ? undefined : tables[tableName];
  if (!table) {
    throw new HuntingError(
      `Query could not be parsed: Failed to resolve table or column expression named '${source.split(/\s/)[0] ?? source}'.`,
    );
  }
  let columns = [...table.columns];
  let rows = [...table.rows];
  for (const op of operators) {
    const take = /^(?:take|limit)\s+(\d+)\s*$/i.exec(op);
    if (take) {
      rows = rows.slice(0, Number(take[1]));
      continue;
    }
    const project = /^project\s+(.+)$/i.exec(op);
    if (project) {
      const names = (project[1] ?? "").split(",").map((n) => n.trim());
      const picked = names.map((n) => {
        const column = columns.find((c) => c.name.toLowerCase() === n.toLowerCase());
        if (!column) {
          throw new HuntingError(
            `Query could not be parsed: Failed to resolve scalar expression named '${n}'.`,
          );
        }
        return column;
      });
      columns = picked;
      rows = rows.map((r) => Object.fromEntries(picked.map((c) => [c.name, r[c.name] ?? null])));
    }
  }
  return { columns, rows: rows.slice(0, MAX_ROWS) };
}
