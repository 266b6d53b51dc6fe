import type { z } from "zod";
import type { ApiErrorCode } from "../../shared/errors";

/** An error whose message is written for the admin who will read it; rendered as DESIGN §4's envelope. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** Parse untrusted input with a zod schema; failures become a 400 naming each field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = "request body",
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".");
    if (key === "") general.push(issue.message);
    else fields[key] ??= issue.message;
  }
  const names = Object.keys(fields);
  const message =
    general[0] ??
    (names.length === 1
      ? `Check ${names[0]}: ${Object.values(fields)[0]}`
      : `The ${what} has ${names.length} invalid fields: ${names.join(", ")}.`);
  return failValidation(message, fields);
}

function failValidation(message: string, fields: Record<string, string>): never {
  throw new AppError(400, "validation_failed", message, Object.keys(fields).length > 0 ? fields : undefined);
}
