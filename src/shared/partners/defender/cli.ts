import type { PartnerCli } from "../types";

/**
 * `patchbay partner attach --api BASE_URL --user TENANT_ID --secret APP_ID/APP_SECRET DEFENDER`: the seed guide's
 * syntax. The App ID travels with the secret, split on the first `/` (an App ID is a GUID and never contains one).
 */
export const defenderCli: PartnerCli = {
  usage:
    "patchbay partner attach --api https://api.securitycenter.microsoft.com --user TENANT_ID --secret APP_ID/APP_SECRET DEFENDER",
  secretPrompt: "APP_ID/APP_SECRET",
  required: ["api", "user", "secret"],
  fields({ api, user, secret }) {
    const slash = secret.indexOf("/");
    if (slash < 0) {
      // Never echoes the value: it may be the secret alone.
      return {
        ok: false,
        message:
          "--secret must be APP_ID/APP_SECRET: the Application (client) ID, a slash, then the secret's Value.",
        hint: "Use `--secret -` to read it from stdin so it stays out of your shell history.",
      };
    }
    return {
      ok: true,
      fields: {
        baseUrl: api,
        tenantId: user,
        appId: secret.slice(0, slash),
        appSecret: secret.slice(slash + 1),
      },
    };
  },
  secrets: (fields) => (fields.appSecret === undefined ? [] : [fields.appSecret]),
};
