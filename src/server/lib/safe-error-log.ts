import { DrizzleQueryError } from "drizzle-orm";
import { stdSerializers } from "pino";

/**
 * Pino's `err` serializer, minus what must never reach a log line. A failed query's parameters can be ciphertexts,
 * IVs, password hashes or token hashes, and drizzle puts them in the error's message, its stack and a `params`
 * property; the database error under it may quote a row's values in `detail`. Only the query text and the
 * database's code and message are kept (issue 6, finding 5).
 */

/** Fields of a database error that name what failed without quoting any value. */
const DATABASE_ERROR_FIELDS = ["code", "severity", "constraint", "table", "column", "routine"] as const;

interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

export function safeErrorSerializer(error: Error): SerializedError {
  if (error instanceof DrizzleQueryError) {
    const message = `Failed query: ${error.query} (parameters withheld from the log)`;
    return {
      type: "DrizzleQueryError",
      message,
      // The stack starts with the message, parameters included: keep only its frames.
      stack: [message, ...(error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line))].join("\n"),
      cause: databaseCause(error.cause),
    };
  }
  if (error.cause instanceof Error) {
    // pino's serializer folds the causes' messages and stacks into the outer ones: a query error anywhere below
    // would bring its parameters along. Serialise the chain ourselves instead.
    return {
      type: error.name,
      message: error.message,
      stack: error.stack ?? error.message,
      cause: safeErrorSerializer(error.cause),
    };
  }
  return stdSerializers.err(error);
}

function databaseCause(cause: unknown): Record<string, unknown> | undefined {
  if (!(cause instanceof Error)) return undefined;
  const kept: Record<string, unknown> = { type: cause.name, message: cause.message };
  for (const field of DATABASE_ERROR_FIELDS) {
    const value: unknown = Reflect.get(cause, field);
    if (typeof value === "string") kept[field] = value;
  }
  return kept;
}
