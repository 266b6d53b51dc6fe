import { type AnyColumn, asc, desc, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "./app-error";

/**
 * Keyset paging for every list the API offers (synced data, connections): filtered on columns, sorted on the
 * server, paged with an opaque cursor (stable under inserts, unlike offsets; a page costs the same at row 10 as at
 * row 1,000,000). A cursor carries the sort it was issued for, so reusing it with another sort is a 400, never a
 * wrong page.
 */

/** `%`, `_` and `\` match themselves in a search. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const badCursor = () =>
  new AppError(400, "validation_failed", "Check cursor: it is not one this server issued.", {
    cursor: "cursor is not one this server issued for this sort; start again without it.",
  });

/** One sort a list offers: the SQL it orders by, the type to compare a cursor's value as, and a row's value. */
export interface Sort<Row> {
  name: string;
  expr: SQL | AnyColumn;
  cast: "timestamptz" | "integer" | "text";
  value(row: Row): string;
}

/** Page `rows` (fetched with limit + 1) and issue the cursor after the last one. */
export function pageOf<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  sort: Sort<Row>,
  order: "asc" | "desc",
  map: (row: Row) => T,
) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([sort.name, order, sort.value(last), last.id]), "utf8").toString(
          "base64url",
        )
      : null;
  return { items: page.map(map), nextCursor };
}

/** The ORDER BY and, after a cursor, the WHERE that continues exactly where the previous page ended. */
export function keyset<Row>(
  sort: Sort<Row>,
  order: "asc" | "desc",
  id: AnyColumn,
  cursor: string | undefined,
) {
  const orderBy = order === "asc" ? [asc(sort.expr), asc(id)] : [desc(sort.expr), desc(id)];
  if (cursor === undefined) return { orderBy, after: undefined };
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 4 ||
    parts[0] !== sort.name ||
    parts[1] !== order ||
    typeof parts[2] !== "string" ||
    !z.uuid().safeParse(parts[3]).success ||
    (sort.cast === "timestamptz" && !z.iso.datetime().safeParse(parts[2]).success) ||
    (sort.cast === "integer" && !/^-?\d{1,9}$/.test(parts[2]))
  ) {
    throw badCursor();
  }
  const value = sql`cast(${parts[2]} as ${sql.raw(sort.cast)})`;
  const lastId = sql`cast(${parts[3]} as uuid)`;
  const after =
    order === "asc"
      ? sql`(${sort.expr} > ${value} or (${sort.expr} = ${value} and ${id} > ${lastId}))`
      : sql`(${sort.expr} < ${value} or (${sort.expr} = ${value} and ${id} < ${lastId}))`;
  return { orderBy, after };
}
