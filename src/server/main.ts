import { buildApp } from "./app";
import { DataDirError } from "./db/data-dir";
import { EnvError, parseEnv } from "./env";

/** Process entry: parse env, build, listen, and shut down gracefully on SIGINT/SIGTERM. */

async function main() {
  // Nothing Patchbay writes (database, master key) is for other users; data-dir.ts also chmods what PGlite creates.
  process.umask(0o077);
  const env = parseEnv();
  const app = await buildApp({ env });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      app.log.error("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  const address = await app.listen({ port: env.PORT, host: env.HOST });
  process.stdout.write(`\nPatchbay is running at ${address}\n\n`);
  if (app.setupToken !== null) {
    // The token travels in the fragment: browsers never send it to a server, so no access log can record it.
    process.stdout.write(
      `No user exists yet. Create the first admin within one hour at:\n\n    ${address}/setup#token=${app.setupToken}\n\nRestarting Patchbay prints a new link and invalidates this one.\n\n`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof DataDirError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && Reflect.get(error, "code") === "EADDRINUSE") {
    process.stderr.write(
      `Patchbay cannot start: the port is already in use (${error.message}). Set PORT to a free port.\n`,
    );
  } else {
    process.stderr.write(
      `Patchbay failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
