import { createInterface } from "node:readline";
import { CliError, EXIT } from "./exit-codes";
import type { Terminal } from "./terminal";

const MAX_STDIN_BYTES = 64 * 1024;

/** The first line of stdin (without its line ending), for `--secret -` and `--token-stdin`. */
export function readFirstLine(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      stdin.off("data", onData);
      stdin.off("end", finish);
      stdin.off("error", onError);
      stdin.pause();
      const text = Buffer.concat(chunks).toString("utf8");
      resolve((text.split(/\r?\n/)[0] ?? "").replace(/^\uFEFF/, ""));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      size += buffer.length;
      if (buffer.includes(0x0a) || size > MAX_STDIN_BYTES) finish();
    };
    const onError = (error: Error) => reject(error);
    stdin.on("data", onData);
    stdin.on("end", finish);
    stdin.on("error", onError);
    stdin.resume();
  });
}

/** Ask for a value on the terminal without echoing it (a secret or a token). */
export function promptHidden(term: Terminal, label: string): Promise<string> {
  const stdin = term.streams.stdin;
  return new Promise((resolve, reject) => {
    let value = "";
    term.err(label);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    const done = (error?: CliError) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      term.err("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: string) => {
      for (const char of data) {
        if (char === "\r" || char === "\n" || char === "\u0004") return done();
        if (char === "\u0003") return done(new CliError(EXIT.unexpected, "Cancelled."));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else if (char >= " ") value += char;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}

/** A yes/no question on stderr; anything but y/yes is no. */
export function confirm(term: Terminal, question: string): Promise<boolean> {
  const rl = createInterface({ input: term.streams.stdin, output: term.streams.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(term.redact(question), (answer) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(answer));
    });
    rl.on("close", () => {
      if (!answered) {
        term.err("\n");
        resolve(false);
      }
    });
  });
}
