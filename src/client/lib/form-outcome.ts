import { ApiRequestError, errorMessage } from "./api-client";

/** Narrow a string from the server (a `fields` key) to one of a form's own field names. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return values.some((v) => v === value);
}

/** What a form's submit callback reports back: success, or messages to show (per field and for the form). */
export type FormOutcome =
  | { ok: true }
  | { ok: false; message?: string | undefined; fieldErrors?: Record<string, string> | undefined };

/** A failed request as a form outcome: the server's per-field messages when it sent some, else its message. */
export function outcomeFromError(error: unknown): FormOutcome {
  if (error instanceof ApiRequestError && error.fields && Object.keys(error.fields).length > 0) {
    return { ok: false, fieldErrors: error.fields, message: error.message };
  }
  return { ok: false, message: errorMessage(error) };
}
