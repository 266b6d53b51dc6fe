import { type ParseArgsConfig, parseArgs } from "node:util";
import { partnerCatalog, partnerCli } from "../shared/partners/registry";
import { type Context, cliVersion, createContext } from "./context";
import { listAlerts, listDevices } from "./data";
import { CliError, EXIT, exitCodeHelp, usageError } from "./exit-codes";
import { login, logout } from "./login";
import { attach, check, detach, knownPartners, list, status, sync, test } from "./partner";
import { clean, type Streams, Terminal } from "./terminal";

const CONNECT_EXAMPLE =
  "patchbay partner attach --api https://api.securitycenter.microsoft.com --user {TENANT_ID} --secret {APP_ID}/{APP_SECRET} DEFENDER";

const mainHelp =
  (): string => `patchbay ${cliVersion()} — connect and manage Patchbay integrations from the command line

Usage:
  patchbay partner attach --api URL --user TENANT_ID --secret APP_ID/APP_SECRET [--features LIST] [--probe-all] [--name NAME] PARTNER
  patchbay partner test   --api URL --user TENANT_ID --secret APP_ID/APP_SECRET [--features LIST] [--probe-all] PARTNER
  patchbay partner detach PARTNER [--instance ID] [--yes]
  patchbay partner list   [PARTNER]
  patchbay partner status [PARTNER] [--instance ID]
  patchbay partner check  [PARTNER] [--instance ID]
  patchbay partner sync   [PARTNER] [--instance ID]
  patchbay alerts list    [--severity LEVEL] [--status STATUS] [--since 24h|7d|DATE] [--search TEXT] [--partner ID] [--limit N]
  patchbay devices list   [--health STATUS] [--os PLATFORM] [--search TEXT] [--partner ID] [--removed] [--limit N]
  patchbay login --url URL [--token-stdin]
  patchbay logout
  patchbay --version

Example:
  ${CONNECT_EXAMPLE}
  (use --secret - to read APP_ID/APP_SECRET from stdin, so the secret never lands in shell history;
   add --features alerts,devices,incidents to choose what the connection is for: see \`patchbay partner attach --help\`)

Partners (case-insensitive): ${knownPartners()}

Every command takes --json (the API's JSON object on stdout, nothing else; errors as {"error": …}) and --help.

Server and credentials:
  PATCHBAY_URL, PATCHBAY_TOKEN   the server and an API token (sent as Authorization: Bearer); they win over
                                 the profile that \`patchbay login\` writes to
                                 $XDG_CONFIG_HOME/patchbay/profile.json (default ~/.config/patchbay/profile.json)

${exitCodeHelp}
`;

const partnerHelp = `Usage: patchbay partner <command> [options] [PARTNER]

Commands:
  attach   verify a connection and store it (Connected / Degraded), or show the failed checklist
  test     dry run: verify without storing anything, and print the checklist
  detach   disconnect: Patchbay erases the stored App Secret (asks first; --yes skips)
  list     every connection: id, partner, name, status, tenant, last checked
  status   one connection in detail: config, features, permissions (unused ones too), secret expiry, error and
           remediation, last checklist
  check    re-verify a connection now
  sync     sync a connection's data now (alerts, incidents, devices, vulnerabilities, software: whatever its
           features bring) and show each source's state

Run \`patchbay partner <command> --help\` for its options, \`patchbay --help\` for exit codes.
`;

/** Every feature of every partner: id, label, and the permissions it needs on which API. */
function featuresHelp(): string {
  const lines: string[] = [];
  for (const partner of partnerCatalog()) {
    const idWidth = Math.max(...partner.features.map((f) => f.id.length));
    lines.push(
      `Features of ${partner.id.toUpperCase()} (default: ${partner.defaultFeatures.join(",")}); each needs only its own permissions:`,
    );
    for (const feature of partner.features) {
      const api = partner.apis.find((a) => a.id === feature.api)?.portalName ?? feature.api;
      const permissions = feature.permissions.map((p) => p.name).join(", ");
      lines.push(`  ${feature.id.padEnd(idWidth)}  ${feature.label} — ${api}: ${permissions}`);
    }
  }
  return lines.join("\n");
}

/** How each partner maps --api, --user and --secret onto its fields (its catalog entry and CLI mapping). */
function fieldsHelp(): string {
  const lines: string[] = [];
  for (const partner of partnerCatalog()) {
    lines.push(`${partner.id.toUpperCase()}: ${partnerCli(partner.id).usage}`);
    for (const field of partner.fields) {
      lines.push(`  ${field.cli}: ${field.label}${field.optional ? " (optional)" : ""}. ${field.help}`);
    }
  }
  return lines.join("\n");
}

const connectOptionsHelp = (): string => `Options:
  --api, --user, --secret    the partner's connection values, as each partner maps them (below); --secret -
                             reads the secret from the first line of stdin (or prompts, hidden, on a terminal)
  --features LIST            the features to enable, a comma list of ids (e.g. alerts,devices,incidents);
                             unknown ids are refused before anything is sent (exit 2). Default: the partner's
                             default features
  --probe-all                also run the checks that spend tenant quota (advanced hunting queries); without
                             it those features are checked by their permission only
  --json                     print the API's JSON object on stdout
  -h, --help

${fieldsHelp()}

${featuresHelp()}`;

const selectOptionsHelp = `  --instance ID   the connection to use when there are several (see \`patchbay partner list\`)
  --json          print the API's JSON object on stdout
  -h, --help`;

interface CommandSpec {
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  maxPositionals: number;
  run(ctx: Context, values: Values, positionals: string[]): Promise<number>;
}
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const str = (values: Values, key: string): string | undefined => {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
};
const bool = (values: Values, key: string): boolean => values[key] === true;

const common = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;
const connectOptions = {
  ...common,
  api: { type: "string" },
  user: { type: "string" },
  secret: { type: "string" },
  features: { type: "string" },
  "probe-all": { type: "boolean" },
} as const;
const connectFlags = (v: Values) => ({
  api: str(v, "api"),
  user: str(v, "user"),
  secret: str(v, "secret"),
  name: str(v, "name"),
  features: str(v, "features"),
  probeAll: bool(v, "probe-all"),
});

const partnerCommands: Record<string, CommandSpec> = {
  attach: {
    help: `Usage: patchbay partner attach --api URL --user USER --secret SECRET [--features LIST]
                              [--probe-all] [--name NAME] PARTNER

Verifies the credentials (token, permissions, one real API read per feature) and stores the connection.
Prints Connected, Degraded with what needs attention, or the failed checklist (exit 3; nothing is stored).

Example:
  ${CONNECT_EXAMPLE}
  printf '%s\\n' "$APP_ID/$APP_SECRET" | patchbay partner attach --api … --user … --secret - --features alerts,devices,incidents DEFENDER

${connectOptionsHelp().replace("  --json", "  --name NAME                a display name (default: the partner's name)\n  --json")}`,
    options: { ...connectOptions, name: { type: "string" } },
    maxPositionals: 1,
    run: (ctx, v, p) => attach(ctx, p[0], connectFlags(v)),
  },
  test: {
    help: `Usage: patchbay partner test --api URL --user USER --secret SECRET [--features LIST] [--probe-all]
                            PARTNER

Dry run: runs the same verification as attach, prints the checklist (and how each feature fared), stores nothing.
Exit 0 when the connection would work (Connected or Degraded), 3 when it would not.

${connectOptionsHelp()}`,
    options: connectOptions,
    maxPositionals: 1,
    run: (ctx, v, p) => test(ctx, p[0], connectFlags(v)),
  },
  detach: {
    help: `Usage: patchbay partner detach PARTNER [--instance ID] [--yes]

Disconnects: Patchbay erases the stored App Secret and stops using the connection; its history stays.
Asks for confirmation on a terminal; without one (scripts, CI) pass --yes.

Options:
  --yes           do not ask
${selectOptionsHelp}`,
    options: { ...common, instance: { type: "string" }, yes: { type: "boolean", short: "y" } },
    maxPositionals: 1,
    run: (ctx, v, p) => detach(ctx, p[0], { instance: str(v, "instance"), yes: bool(v, "yes") }),
  },
  list: {
    help: `Usage: patchbay partner list [PARTNER]

Every connection (disconnected ones included): id, partner, name, status, tenant, last checked.

Options:
  --json          print {"integrations": […]} on stdout
  -h, --help`,
    options: common,
    maxPositionals: 1,
    run: (ctx, _v, p) => list(ctx, p[0]),
  },
  status: {
    help: `Usage: patchbay partner status [PARTNER] [--instance ID]

One connection in detail: configuration, secret fingerprint and expiry (and where Patchbay learnt it), the
enabled features and how each fared, permissions by API (including granted ones no feature needs), the current
problem and how to fix it, and the last verification checklist. Exit 0 whatever the status is; see \`check\` to
re-verify.

Options:
${selectOptionsHelp}`,
    options: { ...common, instance: { type: "string" } },
    maxPositionals: 1,
    run: (ctx, v, p) => status(ctx, p[0], { instance: str(v, "instance") }),
  },
  sync: {
    help: `Usage: patchbay partner sync [PARTNER] [--instance ID]

Syncs a connection's data now (alerts, incidents, devices, vulnerabilities, software: whatever its features
bring) and prints each source's state, and why data is missing when it is.
The sync runs on the server; run \`patchbay partner sync\` again, or open the Data section, to follow it.

Options:
${selectOptionsHelp}`,
    options: { ...common, instance: { type: "string" } },
    maxPositionals: 1,
    run: (ctx, v, p) => sync(ctx, p[0], { instance: str(v, "instance") }),
  },
  check: {
    help: `Usage: patchbay partner check [PARTNER] [--instance ID]

Re-verifies a connection now and prints the checklist and the resulting status.
Exit 0 when it is Connected or Degraded, 3 when it ends in Error.

Options:
${selectOptionsHelp}`,
    options: { ...common, instance: { type: "string" } },
    maxPositionals: 1,
    run: (ctx, v, p) => check(ctx, p[0], { instance: str(v, "instance") }),
  },
};

const pagingHelp = `  --partner ID       one partner's records only (${knownPartners()}, any case)
  --instance ID      one connection's records only (see \`patchbay partner list\`)
  --limit N          records per page, 1 to 500 (default 50)
  --cursor CURSOR    the next page: the value printed after "More:"
  --json             print {"items": […], "nextCursor": …} on stdout
  -h, --help`;
const pagingOptions = {
  ...common,
  partner: { type: "string" },
  instance: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
  search: { type: "string" },
} as const;

/** `patchbay alerts list`, `patchbay devices list`. */
const dataCommands: Record<"alerts" | "devices", CommandSpec> = {
  alerts: {
    help: `Usage: patchbay alerts list [--severity LEVEL] [--status STATUS] [--since 24h|7d|DATE] [--search TEXT] [--partner ID]

Synced alerts of every connection, newest first.

Options:
  --severity LEVEL   informational, low, medium, high or unknown
  --status STATUS    as the partner names it, e.g. New, InProgress, Resolved
  --since WHEN       created since: a duration before now (30m, 24h, 7d) or a date-time (2026-12-01T00:00:00Z)
  --search TEXT      in the title and device name, or the partner's alert id
${pagingHelp}`,
    options: {
      ...pagingOptions,
      severity: { type: "string" },
      status: { type: "string" },
      since: { type: "string" },
    },
    maxPositionals: 0,
    run: (ctx, v) =>
      listAlerts(ctx, {
        severity: str(v, "severity"),
        status: str(v, "status"),
        since: str(v, "since"),
        search: str(v, "search"),
        partner: str(v, "partner"),
        instance: str(v, "instance"),
        limit: str(v, "limit"),
        cursor: str(v, "cursor"),
      }),
  },
  devices: {
    help: `Usage: patchbay devices list [--health STATUS] [--os PLATFORM] [--search TEXT] [--partner ID] [--removed]

Synced devices of every connection, A to Z.

Options:
  --health STATUS    e.g. Active, Inactive, ImpairedCommunication, NoSensorData
  --os PLATFORM      e.g. Windows11, Linux, macOS
  --search TEXT      in the device name, or the partner's device id
  --removed          include devices the partner no longer lists
${pagingHelp}`,
    options: {
      ...pagingOptions,
      health: { type: "string" },
      os: { type: "string" },
      removed: { type: "boolean" },
    },
    maxPositionals: 0,
    run: (ctx, v) =>
      listDevices(ctx, {
        health: str(v, "health"),
        os: str(v, "os"),
        search: str(v, "search"),
        removed: bool(v, "removed"),
        partner: str(v, "partner"),
        instance: str(v, "instance"),
        limit: str(v, "limit"),
        cursor: str(v, "cursor"),
      }),
  },
};

const topCommands: Record<string, CommandSpec> = {
  login: {
    help: `Usage: patchbay login --url URL [--token-stdin]

Checks an API token against the server (GET /api/integrations) and saves {url, token} to
$XDG_CONFIG_HOME/patchbay/profile.json (default ~/.config/patchbay/profile.json), mode 0600.
The token is read from stdin with --token-stdin, or asked for without echo on a terminal.

Options:
  --url URL       the Patchbay server, e.g. https://patchbay.example.com (default: $PATCHBAY_URL)
  --token-stdin   read the token from the first line of stdin
  --json
  -h, --help`,
    options: { ...common, url: { type: "string" }, "token-stdin": { type: "boolean" } },
    maxPositionals: 0,
    run: (ctx, v) => login(ctx, { url: str(v, "url"), tokenStdin: bool(v, "token-stdin") }),
  },
  logout: {
    help: `Usage: patchbay logout

Deletes the profile written by \`patchbay login\`. The token stays valid until it is revoked in Patchbay.

Options:
  --json
  -h, --help`,
    options: common,
    maxPositionals: 0,
    run: (ctx) => logout(ctx),
  },
};

function parse(spec: CommandSpec, args: string[], usage: string) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > spec.maxPositionals) {
      // Never echo the extra arguments: a secret typed without its flag would land in the terminal.
      throw usageError(`Too many arguments (${positionals.length}).`, `Run \`${usage} --help\`.`);
    }
    return { values, positionals };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = error instanceof Error ? Reflect.get(error, "code") : undefined;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      const message = error instanceof Error ? (error.message.split(/\n|\. To specify/)[0] ?? "") : "";
      throw usageError(message, `Run \`${usage} --help\`.`);
    }
    throw error;
  }
}

/** Run the CLI; returns the exit code. Never calls process.exit itself. */
export async function run(argv: readonly string[], streams: Streams): Promise<number> {
  const term = new Terminal(streams);
  const json = argv.includes("--json");
  const ctx = createContext(term, json);
  const [first, second, ...rest] = argv;

  try {
    if (first === "--version" || first === "-V" || first === "version") {
      term.out(json ? `${JSON.stringify({ version: cliVersion() })}\n` : `patchbay ${cliVersion()}\n`);
      return EXIT.ok;
    }
    if (first === undefined || first.startsWith("-") || first === "help") {
      const asked = first === "--help" || first === "-h" || first === "help";
      if (asked) term.out(mainHelp());
      else {
        term.err(mainHelp());
        if (first !== undefined) term.err(`\nUnknown option ${clean(first)}.\n`);
      }
      return asked ? EXIT.ok : EXIT.usage;
    }

    let spec: CommandSpec | undefined;
    let args: string[];
    let usage: string;
    if (first === "partner") {
      if (second === undefined || second === "--help" || second === "-h" || second === "help") {
        (second === undefined ? term.err.bind(term) : term.out.bind(term))(partnerHelp);
        return second === undefined ? EXIT.usage : EXIT.ok;
      }
      spec = partnerCommands[second];
      if (spec === undefined) {
        throw usageError(
          `Unknown command “partner ${clean(second).slice(0, 40)}”. Commands: ${Object.keys(partnerCommands).join(", ")}.`,
        );
      }
      args = rest;
      usage = `patchbay partner ${second}`;
    } else if (first === "alerts" || first === "devices") {
      spec = dataCommands[first];
      if (second === "--help" || second === "-h" || second === "help") {
        term.out(`${spec.help}\n`);
        return EXIT.ok;
      }
      if (second !== "list") {
        throw usageError(
          `Unknown command “${first} ${clean(second ?? "").slice(0, 40)}”. Commands: ${first} list.`,
          `Run \`patchbay ${first} list --help\`.`,
        );
      }
      args = rest;
      usage = `patchbay ${first} list`;
    } else {
      spec = topCommands[first];
      if (spec === undefined) {
        throw usageError(
          `Unknown command “${clean(first).slice(0, 40)}”. Commands: partner, alerts, devices, login, logout. Run \`patchbay --help\`.`,
        );
      }
      args = second === undefined ? rest : [second, ...rest];
      usage = `patchbay ${first}`;
    }

    const { values, positionals } = parse(spec, args, usage);
    if (bool(values, "help")) {
      term.out(`${spec.help}\n`);
      return EXIT.ok;
    }
    return await spec.run(ctx, values, positionals);
  } catch (error) {
    return report(term, json, error);
  }
}

function report(term: Terminal, json: boolean, error: unknown): number {
  if (error instanceof CliError) {
    if (json) term.out(`${JSON.stringify(error.envelope, null, 2)}\n`);
    term.err(`Error: ${clean(error.message)}\n`);
    if (!json) for (const line of error.details) term.err(`${line}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) term.out(`${JSON.stringify({ error: { code: "internal_error", message } }, null, 2)}\n`);
  term.err(`Unexpected error: ${clean(message)}\n`);
  return EXIT.unexpected;
}
