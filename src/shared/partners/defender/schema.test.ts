// Specification of the Defender connect form's validation (DESIGN.md §5). One schema serves the browser and the
// server, so these tests are the contract for both. Messages are asserted verbatim where an admin reads them.

import { describe, expect, it } from "vitest";
import {
  cloudOfHost,
  DEFAULT_DEFENDER_HOST,
  type DefenderCloudId,
  defenderClouds,
  defenderConnectSchema,
  defenderInputWarnings,
  defenderRegions,
  defenderUpdateSchema,
  MAX_NAME_LENGTH,
  MAX_SECRET_LENGTH,
  parseDefenderBaseUrl,
} from "./schema";

const TENANT_ID = "b081026b-f59b-4e0c-827f-14093ff9674e";
const APP_ID = "dc4d0d7b-5a35-4760-a173-77fc48ed4ed7";
/** Shape of a real Entra secret Value: 3 chars, "8Q~", 34 chars = 40 chars. */
const SECRET = "abc8Q~xY3_kL9.mN2-pQ7~rS5tU8vW1zA4bC6dE0";
const SECRET_ID = "638c1ac9-15fc-4163-a5dc-7551fa202a8a";
const SIMULATOR = "127.0.0.1:9443";

const valid = {
  partner: "defender",
  baseUrl: `https://${DEFAULT_DEFENDER_HOST}`,
  tenantId: TENANT_ID,
  appId: APP_ID,
  appSecret: SECRET,
};

type Field = "partner" | "name" | "baseUrl" | "tenantId" | "appId" | "appSecret" | "features";

/** Messages the connect schema reports for `field` when the rest of the form is valid. */
function messagesFor(field: Field, value: unknown, extraHosts: readonly string[] = []): string[] {
  const result = defenderConnectSchema(extraHosts).safeParse({ ...valid, [field]: value });
  if (result.success) return [];
  return result.error.issues.filter((i) => i.path[0] === field).map((i) => i.message);
}

function messageFor(field: Field, value: unknown, extraHosts: readonly string[] = []): string | undefined {
  const messages = messagesFor(field, value, extraHosts);
  expect(messages.length).toBeLessThanOrEqual(1);
  return messages[0];
}

function parsed(field: Field, value: unknown, extraHosts: readonly string[] = []): unknown {
  const result = defenderConnectSchema(extraHosts).safeParse({ ...valid, [field]: value });
  expect(result.success ? [] : result.error.issues).toEqual([]);
  return result.success ? result.data[field] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

describe("Base URL", () => {
  const leaveApiOff = (host: string) =>
    `Leave /api off the Base URL — Patchbay adds /api itself. Use https://${host}.`;

  describe("refuses a trailing /api and names the host to use instead", () => {
    it.each([
      ["https://api.securitycenter.microsoft.com/api", "api.securitycenter.microsoft.com"],
      ["https://api.securitycenter.microsoft.com/api/", "api.securitycenter.microsoft.com"],
      ["https://api.security.microsoft.com/API", "api.security.microsoft.com"],
      ["https://api.security.microsoft.com/Api/", "api.security.microsoft.com"],
      ["https://api.security.microsoft.com/api/v1.0", "api.security.microsoft.com"],
      ["https://api.security.microsoft.com/api/v1.0/", "api.security.microsoft.com"],
      ["https://api.security.microsoft.com//api//", "api.security.microsoft.com"],
      ["https://eu.api.security.microsoft.com/api", "eu.api.security.microsoft.com"],
      ["https://api-gov.securitycenter.microsoft.us/api/", "api-gov.securitycenter.microsoft.us"],
      ["HTTPS://API-GCC.SecurityCenter.Microsoft.US/API/", "api-gcc.securitycenter.microsoft.us"],
      ["https://api.security.microsoft.com./api", "api.security.microsoft.com"],
      ["https://api.security.microsoft.com:443/api", "api.security.microsoft.com"],
    ])("%s → use https://%s", (input, host) => {
      expect(messageFor("baseUrl", input)).toBe(leaveApiOff(host));
    });

    it("suggests the operator-configured host for an extra host with /api", () => {
      expect(messageFor("baseUrl", `https://${SIMULATOR}/api/`, [SIMULATOR])).toBe(leaveApiOff(SIMULATOR));
    });

    it("suggests the default host when the host itself is unknown", () => {
      expect(messageFor("baseUrl", "https://defender.example.com/api")).toBe(
        leaveApiOff(DEFAULT_DEFENDER_HOST),
      );
    });
  });

  describe("refuses what is not https:// + a known host", () => {
    const httpsPlease = `Base URL must start with https:// — e.g. https://${DEFAULT_DEFENDER_HOST}.`;
    const noIp = "Base URL must use the Defender API host name, not an IP address.";
    const noUserinfo =
      "Base URL must not contain a user name or password; credentials go in App ID and App Secret.";
    const noPort = "Base URL must not include a port — Defender's API is served on the standard HTTPS port.";
    const noQuery = "Base URL must not contain a query string (anything after ?).";
    const noFragment = "Base URL must not contain a fragment (anything after #).";
    const noPath = "Base URL must be just the host, with no path. Patchbay adds /api itself.";
    const unknownHost = `That host is not a Microsoft Defender for Endpoint API host. Pick your region from the list, or use https://${DEFAULT_DEFENDER_HOST}.`;
    const notAUrl = `Base URL is not a valid URL. Enter it as https://${DEFAULT_DEFENDER_HOST}.`;

    it.each([
      [
        "plain http",
        "http://api.security.microsoft.com",
        "Base URL must use https://, not http:// — Defender serves its API only over TLS.",
      ],
      [
        "upper-case HTTP",
        "HTTP://api.security.microsoft.com",
        "Base URL must use https://, not http:// — Defender serves its API only over TLS.",
      ],
      ["no scheme", "api.security.microsoft.com", httpsPlease],
      ["no scheme, with a port-like suffix", "api.security.microsoft.com:443", httpsPlease],
      ["protocol-relative", "//api.security.microsoft.com", httpsPlease],
      ["https: without //", "https:api.security.microsoft.com", httpsPlease],
      ["ftp:", "ftp://api.security.microsoft.com", httpsPlease],
      ["javascript:", "javascript:alert(1)", httpsPlease],
      ["javascript: with //", "javascript://api.security.microsoft.com/%0aalert(1)", httpsPlease],
      ["data:", "data:text/html,<script>alert(1)</script>", httpsPlease],
      ["https:// alone", "https://", notAUrl],
      ["unknown host", "https://defender.example.com", unknownHost],
      ["look-alike host", "https://api.security.microsoft.com.evil.example", unknownHost],
      ["double trailing dot", "https://api.security.microsoft.com..", unknownHost],
      ["IPv4 literal", "https://10.0.0.1", noIp],
      ["IPv4 loopback", "https://127.0.0.1", noIp],
      ["IPv4 in hex", "https://0x7f.0.0.1", noIp],
      ["IPv4 as one number", "https://2130706433", noIp],
      ["IPv6 literal", "https://[::1]", noIp],
      ["IPv6 literal with :443", "https://[2001:db8::1]:443", noIp],
      ["user and password", "https://user:pass@api.security.microsoft.com", noUserinfo],
      ["user only", "https://user@api.security.microsoft.com", noUserinfo],
      ["empty userinfo", "https://@api.security.microsoft.com", noUserinfo],
      ["port 8443", "https://api.security.microsoft.com:8443", noPort],
      ["port 80", "https://api.security.microsoft.com:80", noPort],
      ["query", "https://api.security.microsoft.com?x=1", noQuery],
      ["query after /", "https://api.security.microsoft.com/?x=1", noQuery],
      ["bare ?", "https://api.security.microsoft.com?", noQuery],
      ["query holding an @", "https://api.security.microsoft.com?next=a@b", noQuery],
      ["fragment", "https://api.security.microsoft.com#machines", noFragment],
      ["bare #", "https://api.security.microsoft.com/#", noFragment],
      ["fragment holding an @", "https://api.security.microsoft.com#a@b", noFragment],
      ["an API path", "https://api.security.microsoft.com/api/machines", noPath],
      ["another path", "https://api.security.microsoft.com/foo", noPath],
      ["a versioned API path", "https://api.security.microsoft.com/api/v1.0/alerts", noPath],
    ])("%s: %s", (_label, input, message) => {
      expect(messageFor("baseUrl", input)).toBe(message);
    });
  });

  describe("explains hosts people paste by mistake", () => {
    it.each([
      [
        "the Defender portal",
        "https://security.microsoft.com",
        `security.microsoft.com is the Defender portal, not its API. Use the API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
      [
        "the classic portal",
        "https://securitycenter.windows.com/",
        `securitycenter.windows.com is the Defender portal, not its API. Use the API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
      [
        "the Entra sign-in host",
        "https://login.microsoftonline.com",
        `login.microsoftonline.com is the Entra ID sign-in host; Patchbay derives it from the Base URL. Enter the Defender API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
      [
        "Microsoft Graph",
        "https://graph.microsoft.com",
        `Microsoft Graph is a different API. Enter the Defender for Endpoint API host, e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
    ])("%s: %s", (_label, input, message) => {
      expect(messageFor("baseUrl", input)).toBe(message);
    });
  });

  describe("normalises harmless variations to https://<host>", () => {
    it.each([
      ["trailing /", "https://api.security.microsoft.com/", "https://api.security.microsoft.com"],
      ["trailing //", "https://api.security.microsoft.com//", "https://api.security.microsoft.com"],
      ["default port :443", "https://api.security.microsoft.com:443", "https://api.security.microsoft.com"],
      [
        "default port :443 and /",
        "https://api.security.microsoft.com:443/",
        "https://api.security.microsoft.com",
      ],
      ["trailing-dot host", "https://api.security.microsoft.com.", "https://api.security.microsoft.com"],
      [
        "trailing-dot host and /",
        "https://api.security.microsoft.com./",
        "https://api.security.microsoft.com",
      ],
      [
        "mixed-case host and scheme",
        "HTTPS://API.Security.Microsoft.COM/",
        "https://api.security.microsoft.com",
      ],
      [
        "surrounding white space",
        "  https://api.security.microsoft.com \n",
        "https://api.security.microsoft.com",
      ],
      [
        "surrounding tabs",
        "\thttps://eu.api.security.microsoft.com/\t",
        "https://eu.api.security.microsoft.com",
      ],
    ])("%s: %j → %s", (_label, input, expected) => {
      expect(parsed("baseUrl", input)).toBe(expected);
    });
  });

  describe("refuses empty, inner white space and oversize values", () => {
    it.each([
      [
        "empty",
        "",
        `Base URL is required. Pick your region, or enter e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
      [
        "white space only",
        "   \n",
        `Base URL is required. Pick your region, or enter e.g. https://${DEFAULT_DEFENDER_HOST}.`,
      ],
      [
        "inner space",
        "https://api.security .microsoft.com",
        "Base URL must not contain spaces or line breaks.",
      ],
      [
        "inner line break",
        "https://api.security.microsoft.com\n/api",
        "Base URL must not contain spaces or line breaks.",
      ],
      [
        "inner tab",
        "https://api.security.\tmicrosoft.com",
        "Base URL must not contain spaces or line breaks.",
      ],
      [
        "over 2048 characters",
        `https://api.security.microsoft.com/${"a".repeat(2048)}`,
        "Base URL is too long (over 2048 characters).",
      ],
    ])("%s", (_label, input, message) => {
      expect(messageFor("baseUrl", input)).toBe(message);
    });

    it.each([
      ["missing", undefined],
      ["null", null],
      ["a number", 443],
      ["an object", { host: DEFAULT_DEFENDER_HOST }],
    ])("refuses a value that is %s", (_label, input) => {
      expect(messageFor("baseUrl", input)).toBe("Base URL is required.");
    });

    it("checks the length after trimming", () => {
      const padded = `https://${DEFAULT_DEFENDER_HOST}${" ".repeat(4000)}`;
      expect(parsed("baseUrl", padded)).toBe(`https://${DEFAULT_DEFENDER_HOST}`);
    });
  });

  describe("accepts every documented region and maps it to its cloud", () => {
    it.each(defenderRegions.map((r) => [r.host, r.cloud] as const))("https://%s → %s", (host, cloud) => {
      const result = parseDefenderBaseUrl(`https://${host}/`);
      expect(result).toMatchObject({ ok: true, baseUrl: `https://${host}`, region: { host, cloud } });
      expect(cloudOfHost(host)).toBe(defenderClouds[cloud]);
      expect(parsed("baseUrl", `https://${host}`)).toBe(`https://${host}`);
    });

    it.each<[string, DefenderCloudId, string]>([
      ["api.security.microsoft.com", "commercial", "login.microsoftonline.com"],
      ["api.securitycenter.microsoft.com", "commercial", "login.microsoftonline.com"],
      ["api-gcc.securitycenter.microsoft.us", "gcc", "login.microsoftonline.com"],
      ["api-gcc.security.microsoft.us", "gcc", "login.microsoftonline.com"],
      ["api-gov.securitycenter.microsoft.us", "gcc-high", "login.microsoftonline.us"],
      ["api-gov.security.microsoft.us", "gcc-high", "login.microsoftonline.us"],
    ])("%s belongs to %s (authority %s)", (host, cloud, authorityHost) => {
      const result = parseDefenderBaseUrl(`https://${host.toUpperCase()}.`);
      expect(result.ok && result.region.cloud).toBe(cloud);
      expect(cloudOfHost(host)?.authorityHost).toBe(authorityHost);
    });
  });

  describe("accepts every Base URL the seed guides tell admins to paste", () => {
    // RAD Security's guide: api-us2 / api-us3 (its own example is api-us3); Prelude's: api-<REGION>.securitycenter….
    it.each([
      "https://api.securitycenter.microsoft.com",
      "https://api-us.securitycenter.microsoft.com",
      "https://api-eu.securitycenter.microsoft.com",
      "https://api-uk.securitycenter.microsoft.com",
      "https://api-au.securitycenter.microsoft.com",
      "https://api-us2.securitycenter.microsoft.com",
      "https://api-us3.securitycenter.microsoft.com",
      "https://api-eu3.securitycenter.microsoft.com",
      "https://api.security.microsoft.com",
      "https://api-gcc.securitycenter.microsoft.us",
      "https://api-gov.securitycenter.microsoft.us",
    ])("%s", (url) => {
      expect(parsed("baseUrl", `${url}/`)).toBe(url);
    });

    it("maps a regional front end to the commercial cloud and suggests the documented host, without blocking", () => {
      const result = parseDefenderBaseUrl("https://api-us3.securitycenter.microsoft.com");
      expect(result.ok && result.region.cloud).toBe("commercial");
      expect(cloudOfHost("api-us3.securitycenter.microsoft.com")?.authorityHost).toBe(
        "login.microsoftonline.com",
      );
      expect(defenderInputWarnings({ baseUrl: "https://api-us3.securitycenter.microsoft.com" })).toEqual([
        {
          field: "baseUrl",
          message: `api-us3.securitycenter.microsoft.com works, but it is a regional front end Microsoft does not list. Microsoft documents https://${DEFAULT_DEFENDER_HOST} (or your region's host from the list); prefer it if you can.`,
        },
      ]);
      expect(defenderInputWarnings({ baseUrl: "https://api-us.securitycenter.microsoft.com" })).toEqual([]);
    });

    it.each([
      "https://api-.securitycenter.microsoft.com",
      "https://api-us3.securitycenter.microsoft.com.evil.example",
      "https://api-us3x.security.microsoft.com",
      "https://api-u.securitycenter.microsoft.com",
      "https://api-us3.securitycenter.microsoft.us",
    ])("still refuses look-alikes: %s", (url) => {
      expect(messageFor("baseUrl", url)).toMatch(/not a Microsoft Defender for Endpoint API host/);
    });
  });

  describe("accepts operator-configured host:port endpoints only when configured", () => {
    const noPort = "Base URL must not include a port — Defender's API is served on the standard HTTPS port.";

    it.each([
      ["a configured IP:port", `https://${SIMULATOR}`, [SIMULATOR], `https://${SIMULATOR}`],
      ["a configured IP:port with /", `https://${SIMULATOR}/`, [SIMULATOR], `https://${SIMULATOR}`],
      ["a configured name:port", "https://Sim.Local:9443", ["sim.local:9443"], "https://sim.local:9443"],
      ["a configured IPv6 [::1]:port", "https://[::1]:9443", ["[::1]:9443"], "https://[::1]:9443"],
      [
        "an entry configured in upper case",
        "https://sim.local:9443",
        [" SIM.LOCAL:9443 "],
        "https://sim.local:9443",
      ],
      [
        "one of several configured entries",
        "https://127.0.0.1:9444",
        [SIMULATOR, "127.0.0.1:9444"],
        "https://127.0.0.1:9444",
      ],
    ])("%s: %s", (_label, input, extras, expected) => {
      expect(parsed("baseUrl", input, extras)).toBe(expected);
      const result = parseDefenderBaseUrl(input, extras);
      expect(result.ok && result.region).toMatchObject({ cloud: "commercial", operatorConfigured: true });
    });

    it.each([
      ["an IP:port when nothing is configured", `https://${SIMULATOR}`, [], noPort],
      ["an IP:port that is not in the list", "https://127.0.0.1:9444", [SIMULATOR], noPort],
      [
        "the configured IP without its port",
        "https://127.0.0.1",
        [SIMULATOR],
        "Base URL must use the Defender API host name, not an IP address.",
      ],
      [
        "a configured endpoint over http",
        `http://${SIMULATOR}`,
        [SIMULATOR],
        "Base URL must use https://, not http:// — Defender serves its API only over TLS.",
      ],
      [
        "a configured endpoint with a path",
        `https://${SIMULATOR}/foo`,
        [SIMULATOR],
        "Base URL must be just the host, with no path. Patchbay adds /api itself.",
      ],
    ])("refuses %s", (_label, input, extras, message) => {
      expect(messageFor("baseUrl", input, extras)).toBe(message);
    });

    it("still accepts the Microsoft hosts when extra hosts are configured", () => {
      expect(parsed("baseUrl", `https://${DEFAULT_DEFENDER_HOST}`, [SIMULATOR])).toBe(
        `https://${DEFAULT_DEFENDER_HOST}`,
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe.each([
  {
    field: "tenantId" as const,
    label: "Tenant ID",
    where:
      "Copy “Directory (tenant) ID” from the app registration's Overview page in Microsoft Entra admin center.",
  },
  {
    field: "appId" as const,
    label: "App ID",
    where:
      "Copy “Application (client) ID” from the app registration's Overview page in Microsoft Entra admin center.",
  },
])("$label", ({ field, label, where }) => {
  const required = `${label} is required. ${where}`;
  const notAGuid = `${label} must be a GUID like 00000000-0000-0000-0000-000000000000. ${where}`;
  const notADomain = `${label} must be the GUID, not a domain name. ${where}`;

  it.each([
    ["a lower-case GUID", TENANT_ID, TENANT_ID],
    ["an upper-case GUID (lower-cased)", TENANT_ID.toUpperCase(), TENANT_ID],
    ["a mixed-case GUID (lower-cased)", "B081026b-F59B-4e0c-827F-14093ff9674E", TENANT_ID],
    ["a GUID with surrounding white space (trimmed)", `  ${TENANT_ID}\n`, TENANT_ID],
  ])("accepts %s", (_label, input, expected) => {
    expect(parsed(field, input)).toBe(expected);
  });

  it.each([
    ["empty", "", required],
    ["white space only", " \t\n", required],
    ["missing", undefined, required],
    ["not a string", 42, required],
    ["a domain name", "contoso.onmicrosoft.com", notADomain],
    ["a custom domain", "contoso.com", notADomain],
    ["a GUID missing a group", "b081026b-f59b-4e0c-14093ff9674e", notAGuid],
    ["a GUID in braces", `{${TENANT_ID}}`, notAGuid],
    ["a GUID without hyphens", TENANT_ID.replaceAll("-", ""), notAGuid],
    ["a GUID with an extra character", `${TENANT_ID}0`, notAGuid],
    ["a GUID with a non-hex character", "g081026b-f59b-4e0c-827f-14093ff9674e", notAGuid],
    ["a GUID with inner space", "b081026b-f59b-4e0c-827f 14093ff9674e", notAGuid],
    ["two GUIDs", `${TENANT_ID},${APP_ID}`, notAGuid],
    ["a URL", `https://login.microsoftonline.com/${TENANT_ID}`, notAGuid],
    ["20 000 characters", "0".repeat(20_000), notAGuid],
    ["20 000 characters that look like a domain", `${"a".repeat(10_000)}.${"b".repeat(9_999)}`, notADomain],
  ])("refuses %s", (_label, input, message) => {
    expect(messageFor(field, input)).toBe(message);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("App Secret", () => {
  const where = "Paste the secret's Value from Certificates & secrets in the app registration.";
  const secretId =
    "This looks like the secret's ID, not its Value. In Certificates & secrets copy the Value column (shown only right after you create the secret); if it is hidden, create a new secret.";
  const whiteSpace =
    "App Secret contains spaces or line breaks; an Entra secret value has none. Paste the Value again.";
  const tooLong = `App Secret is longer than ${MAX_SECRET_LENGTH} characters; an Entra secret value is about 40. Check what was pasted.`;

  it.each([
    ["a realistic Entra secret Value", SECRET, SECRET],
    ["a Value with surrounding white space (trimmed)", ` ${SECRET}\r\n`, SECRET],
    [`exactly ${MAX_SECRET_LENGTH} characters`, "s".repeat(MAX_SECRET_LENGTH), "s".repeat(MAX_SECRET_LENGTH)],
    ["a GUID in braces (not the Secret ID's shape)", `{${SECRET_ID}}`, `{${SECRET_ID}}`],
  ])("accepts %s", (_label, input, expected) => {
    expect(parsed("appSecret", input)).toBe(expected);
  });

  it.each([
    ["empty", "", `App Secret is required. ${where}`],
    ["white space only", "  \n\t ", `App Secret is required. ${where}`],
    ["missing", undefined, `App Secret is required. ${where}`],
    ["not a string", 7, `App Secret is required. ${where}`],
    [`${MAX_SECRET_LENGTH + 1} characters`, "s".repeat(MAX_SECRET_LENGTH + 1), tooLong],
    ["inner spaces", "abc8Q~xY3 kL9.mN2", whiteSpace],
    ["an inner line break", `${SECRET.slice(0, 20)}\n${SECRET.slice(20)}`, whiteSpace],
    ["two Values pasted on two lines", `${SECRET}\n${SECRET}`, whiteSpace],
    ["the Secret ID (lower case)", SECRET_ID, secretId],
    ["the Secret ID (upper case)", SECRET_ID.toUpperCase(), secretId],
    ["the Secret ID with surrounding white space", ` ${SECRET_ID} `, secretId],
  ])("refuses %s", (_label, input, message) => {
    expect(messageFor("appSecret", input)).toBe(message);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("name", () => {
  it("is optional", () => {
    const result = defenderConnectSchema().safeParse(valid);
    expect(result.success && result.data.name).toBeUndefined();
  });

  it.each([
    ["a name", "Production tenant", "Production tenant"],
    ["surrounding white space (trimmed)", "  SOC  ", "SOC"],
    [`exactly ${MAX_NAME_LENGTH} characters`, "n".repeat(MAX_NAME_LENGTH), "n".repeat(MAX_NAME_LENGTH)],
  ])("accepts %s", (_label, input, expected) => {
    expect(parsed("name", input)).toBe(expected);
  });

  it.each([
    ["empty", "", "Name must not be empty; leave it out to use the default."],
    ["white space only", "   ", "Name must not be empty; leave it out to use the default."],
    [
      `${MAX_NAME_LENGTH + 1} characters`,
      "n".repeat(MAX_NAME_LENGTH + 1),
      `Name must be at most ${MAX_NAME_LENGTH} characters.`,
    ],
  ])("refuses %s", (_label, input, message) => {
    expect(messageFor("name", input)).toBe(message);
  });

  const pastedSecret =
    "This looks like an Entra client secret Value. A name is shown to everyone in Patchbay and kept in the audit log, so it must never be a secret: paste the secret into App Secret and name the connection e.g. after the tenant.";

  // A name is stored in clear, shown to every viewer and kept in the audit log after Disconnect: refused.
  it.each([
    ["an Entra secret Value", SECRET],
    ["one with white space around it", `  ${SECRET}\n`],
    ["another one", "hIt8Q~nZgwN8KW1atm.Tt~sRSFzapWPsJs1rY130"],
    ["one with a hyphen and an underscore", "pcb8Q~DonQdfZDQDI6R_VIvED5.BucgDaSi-yrj"],
  ])("refuses %s, without echoing it", (_label, input) => {
    const message = messageFor("name", input);
    expect(message).toBe(pastedSecret);
    expect(message).not.toContain(SECRET.slice(6));
    const update = defenderUpdateSchema().safeParse({ name: input });
    expect(update.success ? [] : update.error.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["name", pastedSecret],
    ]);
  });

  it.each([
    ["a tilde elsewhere", "Contoso~production"],
    ["the secret's shape but with spaces", "abc8Q~ Contoso production tenant 2025 EU"],
    ["a GUID (only a warning)", TENANT_ID],
  ])("accepts %s", (_label, input) => {
    expect(messagesFor("name", input)).toEqual([]);
  });
});

describe("partner", () => {
  it.each([
    ["missing", undefined],
    ["another partner", "crowdstrike"],
    ["upper case", "Defender"],
    ["a number", 1],
  ])("must be “defender”, not %s", (_label, input) => {
    expect(messageFor("partner", input)).toBe("partner must be “defender”.");
  });
});

describe("the whole form", () => {
  it("parses a valid form to canonical values", () => {
    const result = defenderConnectSchema().safeParse({
      ...valid,
      baseUrl: " HTTPS://API.Security.Microsoft.COM./ ",
      tenantId: ` ${TENANT_ID.toUpperCase()} `,
      appId: APP_ID.toUpperCase(),
      appSecret: ` ${SECRET} `,
      name: " Contoso ",
    });
    expect(result.success && result.data).toEqual({
      partner: "defender",
      name: "Contoso",
      baseUrl: "https://api.security.microsoft.com",
      tenantId: TENANT_ID,
      appId: APP_ID,
      appSecret: SECRET,
    });
  });

  it("reports every broken field at once", () => {
    const result = defenderConnectSchema().safeParse({
      partner: "defender",
      baseUrl: "https://api.security.microsoft.com/api/",
      tenantId: "contoso.onmicrosoft.com",
      appId: "",
      appSecret: SECRET_ID,
    });
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join("."))).toEqual([
      "baseUrl",
      "tenantId",
      "appId",
      "appSecret",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("defenderInputWarnings", () => {
  const sameAsTenant =
    "App ID is the same as Tenant ID. On the Overview page, App ID is “Application (client) ID”; Tenant ID is “Directory (tenant) ID”.";

  it.each([
    ["identical", TENANT_ID, TENANT_ID],
    ["equal but for case", TENANT_ID, TENANT_ID.toUpperCase()],
    ["equal but for white space", ` ${TENANT_ID}`, `${TENANT_ID}\n`],
  ])("warns on App ID when it is %s to Tenant ID", (_label, tenantId, appId) => {
    expect(defenderInputWarnings({ tenantId, appId })).toEqual([{ field: "appId", message: sameAsTenant }]);
  });

  it.each([
    ["different GUIDs", { tenantId: TENANT_ID, appId: APP_ID }],
    ["an App ID still empty", { tenantId: TENANT_ID, appId: "" }],
    ["an App ID not typed yet", { tenantId: TENANT_ID }],
    ["equal values that are not GUIDs", { tenantId: "contoso", appId: "contoso" }],
  ])("does not warn for %s", (_label, input) => {
    expect(defenderInputWarnings(input)).toEqual([]);
  });

  it("is a warning, not an error: the schema accepts the form", () => {
    expect(defenderConnectSchema().safeParse({ ...valid, appId: TENANT_ID }).success).toBe(true);
  });

  const guidName =
    "Name looks like an ID (a GUID), such as a Tenant ID, an App ID or a secret's ID. It is only a label for this connection, shown to everyone in Patchbay and kept in the audit log; a name people recognise, e.g. the tenant's, is easier to find.";
  const tokenName =
    "Name looks like a key or a secret (a long run of random characters). A name is shown to everyone in Patchbay and kept in the audit log, so it must never be a secret; name the connection e.g. after the tenant.";

  it.each([
    ["a GUID", TENANT_ID, guidName],
    ["a secret's ID in upper case, with white space", ` ${SECRET_ID.toUpperCase()} `, guidName],
    ["an older-format Entra secret", "Lp/7Q]:xw?Fh2@Hq-XzY9.b3kT*uN0e=", tokenName],
    ["a base64 key", "A5LE3738uAOhQKPqDybP6+LTscSMYLP0", tokenName],
    ["a Patchbay API token", "pbt_6xVA5OIynj7I-00v1evZVbTV9d6hFlfemjXJvSMsqVk", tokenName],
    ["a GitHub token", "ghp_yW2JHbVJEELuR3PYmUdF67zKmdDQvDJsnRqA", tokenName],
    ["a long hex key", "65f4ff5bff6564a99cd00b575544c080bd6a7abf", tokenName],
  ])("warns on Name when it is %s, without echoing it", (_label, name, message) => {
    const warnings = defenderInputWarnings({ tenantId: TENANT_ID, appId: APP_ID, name });
    expect(warnings).toEqual([{ field: "name", message }]);
    expect(message.toLowerCase()).not.toContain(name.trim().toLowerCase());
    // Only a warning: the schema takes the form as it is.
    expect(messagesFor("name", name)).toEqual([]);
  });

  it.each([
    "Contoso production",
    "Contoso-Production-EU-West-2025",
    "ContosoProductionTenant2024",
    "Woodgrove_Bank_SOC_Defender_EU1",
    "SOC-Team-Alpha-Region-NorthEurope",
    "MDE_PROD_WESTEUROPE_2024_Q3",
    "Contoso.Defender.Production.2025",
    "PatchbayDefenderIntegration01",
    "ACME-EMEA-MDE-P1-2024-11-03",
    "security@contoso.onmicrosoft.com",
    "SOC",
    "",
  ])("does not warn for the name %j", (name) => {
    expect(defenderInputWarnings({ tenantId: TENANT_ID, appId: APP_ID, name })).toEqual([]);
  });

  it("does not also warn for an Entra secret Value in Name: the schema refuses it", () => {
    expect(defenderInputWarnings({ name: SECRET })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("defenderUpdateSchema", () => {
  it.each([
    ["an empty body", {}],
    ["only undefined values", { appSecret: undefined, name: undefined }],
  ])("refuses %s with “Nothing to change”", (_label, input) => {
    const result = defenderUpdateSchema().safeParse(input);
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual([
      "Nothing to change: send at least one of name, baseUrl, tenantId, appId, appSecret, features or secretExpiresAt.",
    ]);
  });

  it("accepts a new App Secret alone", () => {
    const result = defenderUpdateSchema().safeParse({ appSecret: ` ${SECRET} ` });
    expect(result.success && result.data).toEqual({ appSecret: SECRET });
  });

  it("keeps an omitted App Secret undefined (the stored one stays)", () => {
    const result = defenderUpdateSchema().safeParse({ name: "Renamed", tenantId: TENANT_ID.toUpperCase() });
    expect(result.success).toBe(true);
    expect(result.success && result.data.appSecret).toBeUndefined();
    expect(result.success && result.data).toEqual({ name: "Renamed", tenantId: TENANT_ID });
  });

  it.each([
    [
      "baseUrl",
      "https://api.security.microsoft.com/api",
      "Leave /api off the Base URL — Patchbay adds /api itself. Use https://api.security.microsoft.com.",
    ],
    [
      "appSecret",
      SECRET_ID,
      "This looks like the secret's ID, not its Value. In Certificates & secrets copy the Value column (shown only right after you create the secret); if it is hidden, create a new secret.",
    ],
    [
      "appId",
      "contoso.onmicrosoft.com",
      "App ID must be the GUID, not a domain name. Copy “Application (client) ID” from the app registration's Overview page in Microsoft Entra admin center.",
    ],
    ["name", "", "Name must not be empty; leave it out to use the default."],
  ])("applies the connect rules to %s", (field, value, message) => {
    const result = defenderUpdateSchema().safeParse({ [field]: value });
    expect(result.success ? [] : result.error.issues.map((i) => [i.path[0], i.message])).toEqual([
      [field, message],
    ]);
  });

  it("accepts operator-configured hosts it is built with", () => {
    const result = defenderUpdateSchema([SIMULATOR]).safeParse({ baseUrl: `https://${SIMULATOR}` });
    expect(result.success && result.data.baseUrl).toBe(`https://${SIMULATOR}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("messages never echo the value (a secret may be pasted into the wrong field)", () => {
  const CANARY = "Zq9~canary~S3cr3tValue";
  const lower = CANARY.toLowerCase();

  it.each<[string, Field, string]>([
    ["an unknown host", "baseUrl", `https://${CANARY}.example.com`],
    ["a host that is not a DNS name", "baseUrl", `https://${CANARY}`],
    ["a path", "baseUrl", `https://api.security.microsoft.com/${CANARY}`],
    ["a query", "baseUrl", `https://api.security.microsoft.com/?secret=${CANARY}`],
    ["a fragment", "baseUrl", `https://api.security.microsoft.com/#${CANARY}`],
    ["a password", "baseUrl", `https://app:${CANARY}@api.security.microsoft.com`],
    ["http://", "baseUrl", `http://${CANARY}.example.com`],
    ["no scheme", "baseUrl", CANARY],
    ["inner spaces", "baseUrl", `https://api.security.microsoft.com/${CANARY} with spaces`],
    ["an oversize value", "baseUrl", `https://api.security.microsoft.com/${CANARY.repeat(200)}`],
    ["a non-GUID", "tenantId", CANARY],
    ["a domain name", "tenantId", `${CANARY}.onmicrosoft.com`.replaceAll("~", "-")],
    ["a non-GUID", "appId", CANARY],
    ["inner spaces", "appSecret", `${CANARY} ${CANARY}`],
    ["an oversize value", "appSecret", CANARY.repeat(100)],
    ["an oversize value", "name", CANARY.repeat(10)],
  ])("%s in %s", (_label, field, input) => {
    const messages = messagesFor(field, input);
    expect(messages.length).toBe(1);
    for (const message of messages) {
      expect(message).not.toContain(CANARY);
      expect(message.toLowerCase()).not.toContain(lower);
      expect(message.toLowerCase()).not.toContain(lower.replaceAll("~", "-"));
    }
  });
});

describe("features and secretExpiresAt", () => {
  it("takes known feature ids once each, and refuses unknown ones or none", () => {
    expect(parsed("features", ["alerts", "incidents", "alerts"])).toEqual(["alerts", "incidents"]);
    expect(messagesFor("features", ["alerts", "teleport"])[0]).toMatch(/each feature must be one of: alerts/);
    expect(messagesFor("features", [])[0]).toBe("Choose at least one feature.");
  });

  it("takes a typed expiry date from 2000 to 2299, or null to clear it", () => {
    const update = defenderUpdateSchema();
    expect(update.parse({ secretExpiresAt: "2027-06-30" }).secretExpiresAt).toBe("2027-06-30T00:00:00.000Z");
    expect(update.parse({ secretExpiresAt: null }).secretExpiresAt).toBeNull();
    for (const bad of ["0000-01-01", "2300-01-01", "30/06/2027", "tomorrow"]) {
      expect(update.safeParse({ secretExpiresAt: bad }).success, bad).toBe(false);
    }
  });
});
