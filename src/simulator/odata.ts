// The OData subset the Defender and Defender XDR APIs document: $top, $skip, $filter (eq/ne/gt/ge/lt/le joined
// by `and`), $orderby, $expand and $count, on the properties each entity declares filterable.

export type FieldType = "string" | "date" | "number";

export interface EntitySpec {
  readonly name: string; // "Machines": the @odata.context entity set
  readonly singular: string; // "Machine": used in 404 messages
  readonly odataType: string;
  /** Application permissions, any of which grants access. */
  readonly roles: readonly string[];
  readonly filterable: Readonly<Record<string, FieldType>>;
  /** Largest $top the API accepts (10,000 unless its page says otherwise). */
  readonly maxTop?: number;
  /** Navigation properties `$expand` accepts. */
  readonly expandable?: readonly string[];
}

export const DEFAULT_MAX_TOP = 10_000;

export type Entity = Readonly<Record<string, unknown>>;

export class ODataError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Converts an ISO date/time to 100 ns ticks since the epoch (precise to the 7 fraction digits the API uses). */
export function toTicks(value: string): bigint | null {
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (Number.isNaN(ms)) return null;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const fraction = BigInt((frac ?? "").padEnd(7, "0"));
  return BigInt(ms - offsetMinutes * 60_000) * 10_000n + fraction;
}

/**
 * Entities' dates, parsed once: a filter over a bulk tenant reads 100,000 of them per request, and re-parsing them
 * made the simulator's time (which benchmarks share the machine with) grow with every page Patchbay asked for.
 */
const ticksOfValue = new Map<string, bigint | null>();
function entityTicks(value: string): bigint | null {
  let ticks = ticksOfValue.get(value);
  if (ticks === undefined) {
    if (ticksOfValue.size >= 1_000_000) ticksOfValue.clear();
    ticks = toTicks(value);
    ticksOfValue.set(value, ticks);
  }
  return ticks;
}

type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "date"; ticks: bigint }
  | { kind: "null" };

type Operator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

interface Clause {
  field: string;
  type: FieldType;
  op: Operator;
  literal: Literal;
}

function resolveField(spec: EntitySpec, name: string): { field: string; type: FieldType } {
  const entry = Object.entries(spec.filterable).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!entry) {
    throw new ODataError(
      "ODataError",
      `Invalid filter clause: Could not find a property named '${name}' on type '${spec.odataType}', or the property is not filterable.`,
    );
  }
  return { field: entry[0], type: entry[1] };
}

function parseLiteral(raw: string): Literal {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2)
      throw new ODataError("ODataError", `Invalid filter clause: unterminated string literal ${text}.`);
    return { kind: "string", value: text.slice(1, -1).replaceAll("''", "'") };
  }
  if (text.toLowerCase() === "null") return { kind: "null" };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: "number", value: Number(text) };
  const ticks = toTicks(text);
  if (ticks !== null) return { kind: "date", ticks };
  throw new ODataError("ODataError", `Invalid filter clause: syntax error at '${text}'.`);
}

/** Splits on ` and ` outside string literals. */
function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inString = false;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i] ?? "";
    if (ch === "'") inString = !inString;
    if (!inString && /\s/.test(ch) && /^\s+and\s+/i.test(filter.slice(i))) {
      const m = /^\s+and\s+/i.exec(filter.slice(i));
      parts.push(current);
      current = "";
      i += (m?.[0].length ?? 1) - 1;
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function parseFilter(spec: EntitySpec, filter: string): Clause[] {
  if (/[()]/.test(filter.replace(/'(?:[^']|'')*'/g, ""))) {
    throw new ODataError(
      "ODataError",
      "Invalid filter clause: functions and grouping are not supported by this query.",
    );
  }
  if (/\sor\s/i.test(filter.replace(/'(?:[^']|'')*'/g, ""))) {
    throw new ODataError("ODataError", "Invalid filter clause: 'or' is not supported for this entity.");
  }
  return splitAnd(filter).map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/i.exec(part);
    const [, name, op, value] = m ?? [];
    if (!name || !op || value === undefined) {
      throw new ODataError("ODataError", `Invalid filter clause: syntax error in '${part.trim()}'.`);
    }
    const { field, type } = resolveField(spec, name);
    const literal = parseLiteral(value);
    if (type === "date" && literal.kind === "string") {
      const ticks = toTicks(literal.value);
      if (ticks === null)
        throw new ODataError(
          "ODataError",
          `Invalid filter clause: '${literal.value}' is not a valid DateTimeOffset.`,
        );
      return { field, type, op: asOperator(op), literal: { kind: "date", ticks } };
    }
    if (type === "date" && literal.kind !== "date" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: '${value.trim()}' is not a valid DateTimeOffset for ${field}.`,
      );
    }
    if (type === "number" && literal.kind !== "number" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: '${value.trim()}' is not a valid number for ${field}.`,
      );
    }
    if (type === "string" && literal.kind !== "string" && literal.kind !== "null") {
      throw new ODataError(
        "ODataError",
        `Invalid filter clause: ${field} must be compared with a quoted string.`,
      );
    }
    return { field, type, op: asOperator(op), literal };
  });
}

function asOperator(op: string): Operator {
  const lower = op.toLowerCase();
  switch (lower) {
    case "eq":
    case "ne":
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return lower;
    default:
      throw new ODataError("ODataError", `Invalid filter clause: unknown operator '${op}'.`);
  }
}

function compareValues(a: unknown, b: unknown, type: FieldType): number | null {
  if (a === null || a === undefined || b === null || b === undefined) {
    if ((a === null || a === undefined) && (b === null || b === undefined)) return 0;
    return a === null || a === undefined ? -1 : 1;
  }
  if (type === "date" && typeof a === "string" && typeof b === "string") {
    const ta = toTicks(a);
    const tb = toTicks(b);
    if (ta === null || tb === null) return null;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return null;
}

function matches(entity: Entity, clause: Clause): boolean {
  const value = entity[clause.field];
  const lit = clause.literal;
  let cmp: number | null;
  if (lit.kind === "null") {
    const isNull = value === null || value === undefined;
    if (clause.op === "eq") return isNull;
    if (clause.op === "ne") return !isNull;
    return false;
  }
  if (value === null || value === undefined) return clause.op === "ne";
  if (lit.kind === "date") {
    const ticks = typeof value === "string" ? entityTicks(value) : null;
    if (ticks === null) return false;
    cmp = ticks < lit.ticks ? -1 : ticks > lit.ticks ? 1 : 0;
  } else if (lit.kind === "number") {
    if (typeof value !== "number") return false;
    cmp = value - lit.value;
  } else {
    if (typeof value !== "string") return false;
    cmp = compareValues(value, lit.value, "string");
  }
  if (cmp === null) return false;
  switch (clause.op) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "gt":
      return cmp > 0;
    case "ge":
      return cmp >= 0;
    case "lt":
      return cmp < 0;
    case "le":
      return cmp <= 0;
  }
}

function parseOrderBy(
  spec: EntitySpec,
  sample: Entity | undefined,
  raw: string,
): { field: string; type: FieldType; desc: boolean }[] {
  return raw.split(",").map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    const [, name, dir] = m ?? [];
    if (!name) throw new ODataError("ODataError", `Invalid $orderby clause: '${part.trim()}'.`);
    const known = Object.entries(spec.filterable).find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (known) return { field: known[0], type: known[1], desc: dir?.toLowerCase() === "desc" };
    const prop = sample ? Object.keys(sample).find((k) => k.toLowerCase() === name.toLowerCase()) : undefined;
    if (!prop) {
      throw new ODataError(
        "ODataError",
        `Invalid $orderby clause: Could not find a property named '${name}' on type '${spec.odataType}'.`,
      );
    }
    return { field: prop, type: "string", desc: dir?.toLowerCase() === "desc" };
  });
}

function parseNonNegativeInt(name: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new ODataError(
      "ODataError",
      `Invalid value '${raw}' for query option ${name}: the value must be a non-negative integer.`,
    );
  }
  return Number(raw.trim());
}

export interface Query {
  clauses: Clause[];
  orderBy: { field: string; type: FieldType; desc: boolean }[];
  top: number | null;
  skip: number;
  /** Navigation properties to expand (lower case). */
  expand: readonly string[];
  count: boolean;
}

export function parseQuery(spec: EntitySpec, params: URLSearchParams, sample: Entity | undefined): Query {
  const get = (name: string): string | null => {
    for (const [k, v] of params) if (k.toLowerCase() === name) return v;
    return null;
  };
  const topRaw = get("$top");
  let top: number | null = null;
  if (topRaw !== null) {
    top = parseNonNegativeInt("$top", topRaw);
    const maxTop = spec.maxTop ?? DEFAULT_MAX_TOP;
    if (top < 1 || top > maxTop) {
      throw new ODataError(
        "InvalidInput",
        `The value of $top must be between 1 and ${maxTop} (maximum page size). Received ${top}.`,
      );
    }
  }
  const skipRaw = get("$skip");
  const skip = skipRaw === null ? 0 : parseNonNegativeInt("$skip", skipRaw);
  const filterRaw = get("$filter");
  const clauses = filterRaw === null || filterRaw.trim() === "" ? [] : parseFilter(spec, filterRaw);
  const orderRaw = get("$orderby");
  const orderBy = orderRaw === null || orderRaw.trim() === "" ? [] : parseOrderBy(spec, sample, orderRaw);
  const expandRaw = get("$expand");
  const wanted =
    expandRaw === null
      ? []
      : expandRaw
          .split(",")
          .map((p) => p.trim().toLowerCase())
          .filter((p) => p.length > 0);
  const allowed = (spec.expandable ?? []).map((e) => e.toLowerCase());
  if (wanted.some((w) => !allowed.includes(w))) {
    throw new ODataError(
      "ODataError",
      `Invalid $expand clause: '${expandRaw}' cannot be expanded on type '${spec.odataType}'.`,
    );
  }
  const countRaw = get("$count");
  return { clauses, orderBy, top, skip, expand: wanted, count: countRaw?.toLowerCase() === "true" };
}

export function applyQuery(items: readonly Entity[], query: Query): { value: Entity[]; total: number } {
  let list = items.filter((e) => query.clauses.every((c) => matches(e, c)));
  if (query.orderBy.length > 0) {
    list = [...list].sort((a, b) => {
      for (const o of query.orderBy) {
        const cmp = compareValues(a[o.field], b[o.field], o.type) ?? 0;
        if (cmp !== 0) return o.desc ? -cmp : cmp;
      }
      return 0;
    });
  }
  const total = list.length;
  const paged = list.slice(query.skip, query.top === null ? undefined : query.skip + query.top);
  return { value: paged, total };
}
