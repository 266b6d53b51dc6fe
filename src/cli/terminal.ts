/**
 * Everything the CLI writes goes through here: stdout for results (and only results under --json), stderr for
 * progress, prompts and errors. Every write is scrubbed of the secrets this run knows about (the App Secret and the
 * API token), and text that came from the server is stripped of control characters so it cannot drive the terminal.
 */

export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

const REDACTED = "[redacted]";

export class Terminal {
  private readonly secrets = new Set<string>();

  constructor(readonly streams: Streams) {}

  /** Never print `value`, whatever path it takes to an output stream. */
  addSecret(value: string | undefined): void {
    if (value !== undefined && value.length >= 8) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  out(text: string): void {
    this.streams.stdout.write(this.redact(text));
  }

  err(text: string): void {
    this.streams.stderr.write(this.redact(text));
  }

  get stdinIsTTY(): boolean {
    return this.streams.stdin.isTTY === true;
  }

  get stderrIsTTY(): boolean {
    return this.streams.stderr.isTTY === true;
  }
}

/** Replace control characters (ANSI escapes, carriage returns, …) in text from the server or the user. */
export function clean(text: string): string {
  return (
    text
      .replace(/[\t\n\r]+/g, " ")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "\uFFFD")
  );
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A spinner on stderr while a request runs; silent unless stderr is a terminal (no noise in pipes and CI). */
export async function withSpinner<T>(term: Terminal, label: string, work: () => Promise<T>): Promise<T> {
  if (!term.stderrIsTTY || term.streams.env.TERM === "dumb") return work();
  let frame = 0;
  const draw = () => {
    term.err(`\r\u001b[K${FRAMES[frame % FRAMES.length]} ${label}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  // Ctrl-C while waiting: leave a clean line behind, exit like an interrupted command.
  const onInterrupt = () => {
    clearInterval(timer);
    term.err("\r\u001b[K");
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    return await work();
  } finally {
    process.off("SIGINT", onInterrupt);
    clearInterval(timer);
    term.err("\r\u001b[K");
  }
}
