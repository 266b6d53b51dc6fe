// Specification of SentinelOne's connect validation: one schema for the browser, the CLI and the server, so these
// tests are the contract for all three. Every rule's message names the field and the fix, and never repeats the value.

import { describe, expect, it } from "vitest";
import { connectRequestSchema, inputWarnings, partnerCatalog, schemaOptionsOf } from "../registry";
import { sentinelOneCli } from "./cli";
import {
  MAX_TOKEN_LENGTH,
  parseSentinelOneConsoleUrl,
  sentinelOneConfigSchema,
  sentinelOneConnectSchema,
  sentinelOneInputWarnings,
  sentinelOneUpdateSchema,
} from "./schema";

const TOKEN = "k3Jd9sL0qPz7XvB2nM5cR8tY1wE4uI6oA0sD3fG5hJ7kL9zX1cV3bN5mQ7wE9rT1yU3iO5pA7sD9fG1hJ3k";
const CONSOLE = "https://usea1-contoso.sentinelone.net";
const SIMULATOR = "127.0.0.1:9445";
const valid = { partner: "sentinelone", consoleUrl: CONSOLE, apiToken: TOKEN };

type Field = "consoleUrl" | "apiToken" | "accountId" | "siteId" | "features" | "name";

function messagesFor(field: Field, value: unknown, extraHosts: readonly string[] = []): string[] {
  const result = sentinelOneConnectSchema(extraHosts).safeParse({ ...valid, [field]: value });
  if (result.success) return [];
  return result.error.issues.filter((i) => i.path[0] === field).map((i) => i.message);
}

function consoleUrl(raw: string, extraHosts: readonly string[] = []) {
  return parseSentinelOneConsoleUrl(raw, extraHosts);
}

describe("Console URL", () => {
  it.each([
    ["https://usea1-contoso.sentinelone.net", "https://usea1-contoso.sentinelone.net"],
    ["https://usea1-contoso.sentinelone.net/", "https://usea1-contoso.sentinelone.net"],
    ["  https://USEA1-Contoso.SentinelOne.net.  ", "https://usea1-contoso.sentinelone.net"],
    ["usea1-contoso.sentinelone.net", "https://usea1-contoso.sentinelone.net"],
    ["cns.eu1.sentinelone.net", "https://cns.eu1.sentinelone.net"],
    ["https://usea1-contoso.sentinelone.net/web/api/v2.1/", "https://usea1-contoso.sentinelone.net"],
    [
      "https://usea1-contoso.sentinelone.net/web/api/v2.1/threats?limit=1",
      "https://usea1-contoso.sentinelone.net",
    ],
    [
      "https://usea1-contoso.sentinelone.net/incidents/threats?x=1#/view",
      "https://usea1-contoso.sentinelone.net",
    ],
  ])("accepts %j as %s", (raw, canonical) => {
    const result = consoleUrl(raw);
    expect(result).toMatchObject({ ok: true, consoleUrl: canonical });
  });

  it("says what it removed after the host: a pasted API path, or a page of the console", () => {
    expect(consoleUrl(`${CONSOLE}/web/api/v2.1/system/info`)).toMatchObject({ removed: "api" });
    expect(consoleUrl(`${CONSOLE}/dashboard`)).toMatchObject({ removed: "path" });
    expect(consoleUrl(`${CONSOLE}/?a=b`)).toMatchObject({ removed: "path" });
    expect(consoleUrl(CONSOLE)).toMatchObject({ removed: null });
    const [api] = sentinelOneInputWarnings({ consoleUrl: `${CONSOLE}/web/api/v2.1/` });
    expect(api).toEqual({
      field: "consoleUrl",
      message:
        "Console URL: Patchbay uses only the console's address (https:// and the host) and adds /web/api/v2.1/ itself, so the API path you pasted after the host is removed. Nothing else to do.",
    });
    const [page] = sentinelOneInputWarnings({ consoleUrl: `${CONSOLE}/incidents/threats` });
    expect(page?.message).toMatch(/^Console URL: .*page path, query or fragment after the host is removed/);
    expect(sentinelOneInputWarnings({ consoleUrl: CONSOLE })).toEqual([]);
    // Through the registry, as the form and the CLI ask.
    expect(inputWarnings("sentinelone", { consoleUrl: `${CONSOLE}/web/api/v2.1` })).toHaveLength(1);
  });

  it.each([
    [
      "",
      "Console URL is required: copy your SentinelOne management console's address from the browser, e.g. https://usea1-example.sentinelone.net.",
    ],
    [
      "http://usea1-contoso.sentinelone.net",
      "Console URL must use https://, not http:// — SentinelOne serves its console and API only over TLS.",
    ],
    [
      "ftp://usea1-contoso.sentinelone.net",
      "Console URL must start with https:// — e.g. https://usea1-example.sentinelone.net.",
    ],
    [
      "https://console.sentinelone.net",
      "console.sentinelone.net is not a management console of its own: use your tenant's console address, as the browser shows it after you sign in, e.g. https://usea1-example.sentinelone.net.",
    ],
    [
      "https://www.sentinelone.com",
      "That is SentinelOne's web site, not your management console. Use the console's address, which ends in .sentinelone.net, e.g. https://usea1-example.sentinelone.net.",
    ],
    [
      "https://sentinelone.net",
      "That is SentinelOne's web site, not your management console. Use the console's address, which ends in .sentinelone.net, e.g. https://usea1-example.sentinelone.net.",
    ],
    [
      "https://usea1-contoso.sentinelone.net:8443",
      "Console URL must not include a port — SentinelOne consoles use the standard HTTPS port.",
    ],
    [
      "https://10.0.0.5",
      "Console URL must be the console's host name (…sentinelone.net), not an IP address.",
    ],
    [
      "https://user:pw@usea1-contoso.sentinelone.net",
      "Console URL must not contain a user name or password; the API token goes in API token.",
    ],
    ["https://usea1 contoso.sentinelone.net", "Console URL must not contain spaces or line breaks."],
    [
      "https://sentinelone.net.evil.example",
      "Console URL must be a SentinelOne management console, a host ending in .sentinelone.net (e.g. https://usea1-example.sentinelone.net). Copy it from the browser's address bar while signed in to the console.",
    ],
  ])("refuses %j, naming the field and the fix", (raw, message) => {
    expect(messagesFor("consoleUrl", raw)).toEqual([message]);
  });

  it("refuses a URL longer than 2,048 characters", () => {
    expect(messagesFor("consoleUrl", `${CONSOLE}/${"a".repeat(2100)}`)).toEqual([
      "Console URL is too long (over 2048 characters).",
    ]);
  });

  it("never repeats a token pasted into Console URL", () => {
    for (const message of [
      ...messagesFor("consoleUrl", TOKEN),
      ...messagesFor("consoleUrl", `https://${TOKEN}`),
    ]) {
      expect(message).not.toContain(TOKEN);
      expect(message.toLowerCase()).not.toContain(TOKEN.toLowerCase().slice(0, 20));
    }
  });

  it("accepts the operator's PATCHBAY_EXTRA_SENTINELONE_HOSTS (host:port), and only those carry a port", () => {
    expect(consoleUrl(`https://${SIMULATOR}`, [SIMULATOR])).toMatchObject({
      ok: true,
      consoleUrl: `https://${SIMULATOR}`,
    });
    expect(consoleUrl(`https://${SIMULATOR}/web/api/v2.1/`, [SIMULATOR])).toMatchObject({
      ok: true,
      removed: "api",
    });
    expect(consoleUrl(`https://${SIMULATOR}`).ok).toBe(false);
    expect(consoleUrl("https://127.0.0.1:9446", [SIMULATOR]).ok).toBe(false);
  });

  it("the catalog lists the operator's consoles, so a client validates as the server does", () => {
    const entry = partnerCatalog({ extraSentinelOneHosts: [SIMULATOR] }).find((p) => p.id === "sentinelone");
    expect(entry?.id).toBe("sentinelone");
    if (!entry) return;
    expect(entry.fields[0]?.options).toEqual([
      {
        value: `https://${SIMULATOR}`,
        label: `Operator-configured console · ${SIMULATOR}`,
        cloud: null,
        operatorConfigured: true,
      },
    ]);
    const parsed = connectRequestSchema(schemaOptionsOf(entry)).safeParse({
      ...valid,
      consoleUrl: `https://${SIMULATOR}`,
    });
    expect(parsed.success).toBe(true);
  });
});

describe("API token", () => {
  it("accepts a console-user token (80 characters) and a long service-user JWT, trimmed", () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${"e".repeat(600)}.sig_-nature`;
    for (const token of [TOKEN, jwt]) {
      const parsed = sentinelOneConnectSchema().parse({ ...valid, apiToken: `  ${token}\n` });
      expect(parsed.apiToken).toBe(token);
    }
  });

  it.each([
    [
      "",
      "API token is required. In the console, Settings → Users → Service Users: create one (or open yours) and copy its API token; it is shown only once.",
    ],
    [
      "   ",
      "API token is required. In the console, Settings → Users → Service Users: create one (or open yours) and copy its API token; it is shown only once.",
    ],
    [`ApiToken ${TOKEN}`, "Paste the API token alone, without the “ApiToken ” prefix: Patchbay adds it."],
    [
      `${TOKEN.slice(0, 40)} ${TOKEN.slice(40)}`,
      "API token contains spaces or line breaks; a SentinelOne token has none. Paste it again.",
    ],
    ["x".repeat(MAX_TOKEN_LENGTH + 1), "API token is longer than 8192 characters; check what was pasted."],
  ])("refuses %j with a message that never repeats it", (raw, message) => {
    const messages = messagesFor("apiToken", raw);
    expect(messages).toEqual([message]);
    if (raw.trim() !== "") expect(messages.join(" ")).not.toContain(TOKEN.slice(0, 20));
  });

  it("is required", () => {
    const result = sentinelOneConnectSchema().safeParse({ partner: "sentinelone", consoleUrl: CONSOLE });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toEqual(["apiToken"]);
  });
});

describe("Account ID and Site ID", () => {
  it("are optional; blank means the token's whole scope", () => {
    for (const blank of [undefined, "", "  ", null]) {
      const parsed = sentinelOneConnectSchema().parse({ ...valid, accountId: blank, siteId: blank });
      expect(parsed.accountId ?? null).toBeNull();
      expect(parsed.siteId ?? null).toBeNull();
    }
  });

  it("take the console's numeric ids", () => {
    const parsed = sentinelOneConnectSchema().parse({ ...valid, siteId: " 1200000000000000003 " });
    expect(parsed.siteId).toBe("1200000000000000003");
  });

  it.each([
    [
      "accountId",
      "acme",
      "Account ID must be the numeric id (digits only), e.g. 1234567890123456789. Find it in the console under Settings → Accounts (the ID column), or in the account's Info panel. Leave it blank to read everything the token can see.",
    ],
    [
      "siteId",
      "12-34",
      "Site ID must be the numeric id (digits only), e.g. 1234567890123456789. Find it in the console under Settings → Sites (the ID column), or in the site's Info panel. Leave it blank to read everything the token can see.",
    ],
  ] as const)("%s refuses %j", (field, raw, message) => {
    expect(messagesFor(field, raw)).toEqual([message]);
  });

  it("refuses both at once, on Site ID", () => {
    expect(
      sentinelOneConnectSchema()
        .safeParse({ ...valid, accountId: "1", siteId: "2" })
        .error?.issues.map((i) => [i.path[0], i.message]),
    ).toEqual([
      [
        "siteId",
        "Give Account ID or Site ID, not both: a Site ID already limits Patchbay to that one site. Clear one of them.",
      ],
    ]);
  });
});

describe("features, name and the change schema", () => {
  it("knows alerts (threats) and devices (agents) only", () => {
    expect(messagesFor("features", ["alerts", "incidents"])).toEqual([
      "each feature must be one of: alerts, devices.",
    ]);
    expect(messagesFor("features", [])).toEqual(["Choose at least one feature."]);
    expect(sentinelOneConnectSchema().parse({ ...valid, features: ["devices", "devices"] }).features).toEqual(
      ["devices"],
    );
  });

  it("warns when Name looks like a token", () => {
    expect(sentinelOneInputWarnings({ name: TOKEN }).map((w) => w.field)).toEqual(["name"]);
  });

  it("changes: every field optional, something required, a blank scope clears it", () => {
    expect(sentinelOneUpdateSchema().safeParse({}).success).toBe(false);
    expect(sentinelOneUpdateSchema().parse({ siteId: "" })).toEqual({ siteId: null });
    expect(sentinelOneUpdateSchema().parse({ apiToken: TOKEN })).toEqual({ apiToken: TOKEN });
  });

  it("stored configs without a scope read as none", () => {
    expect(sentinelOneConfigSchema.parse({ consoleUrl: CONSOLE, cloud: null, features: ["alerts"] })).toEqual(
      {
        consoleUrl: CONSOLE,
        accountId: null,
        siteId: null,
        cloud: null,
        features: ["alerts"],
      },
    );
  });
});

describe("command line", () => {
  it("maps --api to Console URL and --secret to API token; --user must be empty", () => {
    expect(sentinelOneCli.fields({ api: CONSOLE, user: "", secret: TOKEN })).toEqual({
      ok: true,
      fields: { consoleUrl: CONSOLE, apiToken: TOKEN },
    });
    const refused = sentinelOneCli.fields({ api: CONSOLE, user: TOKEN, secret: TOKEN });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
    expect(sentinelOneCli.secrets({ consoleUrl: CONSOLE, apiToken: TOKEN })).toEqual([TOKEN]);
  });
});
