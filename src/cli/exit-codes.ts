/** Exit codes scripts can rely on. Documented in `patchbay --help`; never renumber one. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  verificationFailed: 3,
  notAuthenticated: 4,
  conflict: 5,
  notFound: 6,
  unreachable: 7,
  rateLimited: 8,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const exitCodeHelp = `Exit codes:
  0  success
  1  unexpected error (or a confirmation was declined)
  2  usage or validation error (bad arguments, input refused locally, or HTTP 400 from the server)
  3  verification failed (HTTP 422, a test whose report is not ok, or a check that ends in status "error")
  4  not authenticated or not allowed (no token configured, HTTP 401 or 403)
  5  conflict (HTTP 409, e.g. the same tenant and app are already connected)
  6  not found (HTTP 404, or no matching connection)
  7  server unreachable, network error or timeout (also HTTP 502, 503, 504)
  8  rate limited (HTTP 429)
  130 interrupted (Ctrl-C while waiting)`;

/**
 * An expected failure: `message` is printed on stderr (human mode) and the command exits with `code`. `envelope` is
 * what `--json` prints on stdout: the server's error envelope, or one built in the same shape for local errors.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly envelope: {
      error: { code: string; message: string; fields?: Record<string, string>; detail?: unknown };
    } = {
      error: { code: "cli_error", message },
    },
    /** Extra lines printed after the message in human mode (a checklist, a list of candidates, a hint). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(EXIT.usage, message, { error: { code: "usage", message } }, hint ? [hint] : []);
}
