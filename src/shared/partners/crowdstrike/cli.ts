import type { PartnerCli } from "../types";

/**
 * `patchbay partner attach --api CLOUD --user CLIENT_ID[/MEMBER_CID] --secret CLIENT_SECRET CROWDSTRIKE`: the seed
 * guide's syntax. `--api` is the cloud (auto, us-2, …) or its API URL; an MSSP adds the child's CID after a slash.
 */
export const falconCli: PartnerCli = {
  usage: "patchbay partner attach --api https://api.crowdstrike.com --user CLIENT_ID --secret - CROWDSTRIKE",
  secretPrompt: "Client Secret",
  required: ["user", "secret"],
  fields({ api, user, secret }) {
    const slash = user.indexOf("/");
    return {
      ok: true,
      fields: {
        falconCloud: api,
        clientId: slash < 0 ? user : user.slice(0, slash),
        ...(slash < 0 ? {} : { memberCid: user.slice(slash + 1) }),
        clientSecret: secret,
      },
    };
  },
  secrets: (fields) => (fields.clientSecret === undefined ? [] : [fields.clientSecret]),
};
