import type { PartnerCli } from "../types";

/**
 * `patchbay partner attach --api CONSOLE_URL --secret - SENTINELONE`: the console URL and the API token; there is no
 * user. `--user` must be empty or absent (a value there is most likely a token or an id in the wrong flag).
 */
export const sentinelOneCli: PartnerCli = {
  usage: "patchbay partner attach --api https://<prefix>.sentinelone.net --secret API_TOKEN SENTINELONE",
  secretPrompt: "API_TOKEN",
  required: ["api", "secret"],
  fields({ api, user, secret }) {
    if (user.trim() !== "") {
      // Never echoes the value: it may be the token.
      return {
        ok: false,
        message: "SentinelOne takes no --user: leave it out. The API token goes in --secret.",
        hint: "Use `--secret -` to read the token from stdin so it stays out of your shell history.",
      };
    }
    return { ok: true, fields: { consoleUrl: api, apiToken: secret } };
  },
  secrets: (fields) => (fields.apiToken === undefined ? [] : [fields.apiToken]),
};
