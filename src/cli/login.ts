import { integrationListSchema } from "../shared/contract";
import { ApiClient } from "./api";
import { type Context, note, print, userAgent } from "./context";
import { EXIT, type ExitCode, usageError } from "./exit-codes";
import { deleteProfile, isInsecureRemote, normaliseServerUrl, profilePath, writeProfile } from "./profile";
import { promptHidden, readFirstLine } from "./prompt";
import { withSpinner } from "./terminal";

/** `patchbay login`: verify an API token against the server, then save `{ url, token }` (mode 0600). */
export async function login(
  ctx: Context,
  flags: { url: string | undefined; tokenStdin: boolean },
): Promise<ExitCode> {
  const env = ctx.term.streams.env;
  const rawUrl = flags.url ?? env.PATCHBAY_URL;
  if (rawUrl === undefined || rawUrl.trim() === "") {
    throw usageError(
      "Pass --url with the Patchbay server's address, e.g. --url https://patchbay.example.com.",
    );
  }
  const url = normaliseServerUrl(rawUrl, "--url");

  let token: string;
  if (flags.tokenStdin) token = await readFirstLine(ctx.term.streams.stdin);
  else if (ctx.term.stdinIsTTY) token = await promptHidden(ctx.term, `API token for ${url} (input hidden): `);
  else throw usageError("stdin is not a terminal: pipe the token and pass --token-stdin.");
  token = token.trim();
  ctx.term.addSecret(token);
  if (token === "") throw usageError("No API token given. Create one in Patchbay under API tokens.");
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw usageError("The API token contains spaces or unprintable characters; copy it again.");
  }
  if (isInsecureRemote(url)) {
    note(
      ctx,
      `Warning: ${url} is plain HTTP on the network; the token travels unencrypted. Prefer https://.`,
    );
  }

  const client = new ApiClient({ baseUrl: url, token, userAgent: userAgent() });
  await withSpinner(ctx.term, "Checking the token…", () =>
    client.request({ method: "GET", path: "api/integrations?limit=1", schema: integrationListSchema }),
  );
  const path = profilePath(env);
  await writeProfile(path, { url, token });
  print(ctx, { url, profilePath: path }, () => [
    `Logged in to ${url}. Saved the profile to ${path} (mode 0600).`,
  ]);
  if (env.PATCHBAY_URL || env.PATCHBAY_TOKEN) {
    note(
      ctx,
      "Note: PATCHBAY_URL / PATCHBAY_TOKEN are set in this shell and take precedence over the profile.",
    );
  }
  return EXIT.ok;
}

/** `patchbay logout`: delete the profile (the token itself stays valid until revoked in Patchbay). */
export async function logout(ctx: Context): Promise<ExitCode> {
  const path = profilePath(ctx.term.streams.env);
  const removed = await deleteProfile(path);
  print(ctx, { removed, profilePath: path }, () => [
    removed ? `Logged out: removed ${path}.` : `No profile at ${path}; nothing to do.`,
  ]);
  if (removed) note(ctx, "The API token still works until it is revoked in Patchbay (API tokens).");
  return EXIT.ok;
}
