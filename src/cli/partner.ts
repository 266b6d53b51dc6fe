import { z } from "zod";
import { type PartnerId, partnerIdSchema, partnersResponseSchema } from "../shared/catalog";
import {
  type Integration,
  type IntegrationList,
  integrationListSchema,
  integrationSchema,
  verificationReportSchema,
} from "../shared/contract";
import { syncStateSchema } from "../shared/data-contract";
import { type ConnectRequest, partnerCli, schemaOptionsOf } from "../shared/partners/registry";
import type { ApiClient } from "./api";
import {
  localCatalogEntry,
  mayDependOnServer,
  parseConnectInput,
  rawConnectInput,
  validationError,
} from "./connect-input";
import { type Context, note, print } from "./context";
import { CliError, EXIT, type ExitCode, usageError } from "./exit-codes";
import { confirm, promptHidden, readFirstLine } from "./prompt";
import {
  identityText,
  permissionText,
  renderChecklist,
  renderDetail,
  renderList,
  renderStatus,
  renderSyncState,
  secretLabel,
} from "./render";
import { clean, withSpinner } from "./terminal";

/** "Verifying with Microsoft (up to ~30 s)…" */
const verifyLabel = (partner: PartnerId) =>
  `Verifying with ${localCatalogEntry(partner)?.verifiesWith ?? "the partner"} (up to ~30 s)…`;

export const knownPartners = (): string => partnerIdSchema.options.map((p) => p.toUpperCase()).join(", ");

/** `DEFENDER`, `defender`, `Defender` → `defender`; anything else is a usage error naming the known partners. */
export function resolvePartner(name: string | undefined, required: boolean): PartnerId | undefined {
  if (name === undefined) {
    if (required) throw usageError(`Name the partner, e.g. DEFENDER. Known partners: ${knownPartners()}.`);
    return undefined;
  }
  const parsed = partnerIdSchema.safeParse(name.trim().toLowerCase());
  if (parsed.success) return parsed.data;
  // Echo the name only when it looks like one: a misplaced secret must not end up in the terminal.
  const shown = /^[A-Za-z0-9_-]{1,40}$/.test(name) ? ` “${name}”` : "";
  throw usageError(`Unknown partner${shown}. Known partners: ${knownPartners()}.`);
}

/** The partner a command must name (attach, test). */
function requirePartner(name: string | undefined): PartnerId {
  const partner = resolvePartner(name, true);
  if (partner === undefined) throw usageError(`Name the partner. Known partners: ${knownPartners()}.`);
  return partner;
}

// --- connect input (attach, test) --------------------------------------------------------------------------------

export interface ConnectFlags {
  api: string | undefined;
  user: string | undefined;
  secret: string | undefined;
  name: string | undefined;
  /** `--features`: a comma list of feature ids; undefined → the partner's default features. */
  features: string | undefined;
  /** `--probe-all`: also run the checks that spend tenant quota (advanced hunting). */
  probeAll: boolean;
}

async function readSecretValue(ctx: Context, flag: string, prompt: string): Promise<string> {
  if (flag !== "-") return flag;
  const value = ctx.term.stdinIsTTY
    ? await promptHidden(ctx.term, `${prompt} (input hidden): `)
    : await readFirstLine(ctx.term.streams.stdin);
  if (value.trim() === "") {
    throw usageError(`--secret - read nothing from stdin. Pipe ${prompt} as the first line.`);
  }
  return value;
}

/** Build and validate the connect request locally with the shared schema (same rules and messages as the UI). */
async function connectInput(ctx: Context, partner: PartnerId, flags: ConnectFlags): Promise<ConnectRequest> {
  const cli = partnerCli(partner);
  const missing = cli.required.filter((k) => flags[k] === undefined);
  if (missing.length > 0) {
    throw usageError(`Missing ${missing.map((m) => `--${m}`).join(", ")}.`, `Usage: ${cli.usage}`);
  }
  if (flags.secret !== undefined && flags.secret !== "-") ctx.term.addSecret(flags.secret);
  const secret = await readSecretValue(ctx, flags.secret ?? "", cli.secretPrompt);
  ctx.term.addSecret(secret.trim());
  const raw = rawConnectInput(partner, {
    api: flags.api ?? "",
    user: flags.user ?? "",
    secret,
    name: flags.name,
    features: flags.features,
    probeAll: flags.probeAll,
  });
  for (const value of raw.secrets) ctx.term.addSecret(value.trim());

  let result = parseConnectInput(raw, {});
  // A value Patchbay does not know may be one the server's operator configured: ask the server's catalog.
  if (!result.ok && mayDependOnServer(raw, result.fields)) {
    const client = await ctx.client();
    const catalog = await client.request({
      method: "GET",
      path: "api/partners",
      schema: partnersResponseSchema,
    });
    const entry = catalog.partners.find((p) => p.id === partner);
    if (entry) result = parseConnectInput(raw, schemaOptionsOf(entry));
  }
  if (!result.ok) throw validationError(partner, result.fields);
  for (const warning of result.warnings) note(ctx, `Warning: ${warning}`);
  return result.input;
}

// --- choosing a connection (detach, status, check) ----------------------------------------------------------------

function candidatesError(partner: PartnerId | undefined, candidates: Integration[]): CliError {
  const which = partner ? partner.toUpperCase() : "";
  const message = `There are ${candidates.length} active ${which ? `${which} ` : ""}connections; pass --instance ID to pick one.`;
  return new CliError(
    EXIT.usage,
    message,
    { error: { code: "ambiguous", message, detail: { candidates: candidates.map((c) => c.id) } } },
    renderList(candidates).map((l) => `  ${l}`),
  );
}

/** Every connection (of one partner), following the list's pages. */
async function allIntegrations(client: ApiClient, partner: PartnerId | undefined): Promise<Integration[]> {
  const all: Integration[] = [];
  for (let cursor: string | null = null; ; ) {
    const query = new URLSearchParams({ limit: "500" });
    if (partner !== undefined) query.set("partner", partner);
    if (cursor !== null) query.set("cursor", cursor);
    const page: IntegrationList = await client.request({
      method: "GET",
      path: `api/integrations?${query}`,
      schema: integrationListSchema,
    });
    all.push(...page.integrations);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
}

async function selectConnection(
  client: ApiClient,
  partner: PartnerId | undefined,
  instance: string | undefined,
): Promise<Integration> {
  if (instance !== undefined) {
    const id = instance.trim();
    if (id === "") throw usageError("--instance needs a connection ID (see `patchbay partner list`).");
    const integration = await client.request({
      method: "GET",
      path: `api/integrations/${encodeURIComponent(id)}`,
      schema: integrationSchema,
    });
    const actual: string = integration.partner;
    if (partner !== undefined && actual !== partner) {
      const message = `Connection ${integration.id} is a ${actual.toUpperCase()} connection, not ${partner.toUpperCase()}.`;
      throw new CliError(EXIT.notFound, message, { error: { code: "not_found", message } });
    }
    return integration;
  }
  const ofPartner = await allIntegrations(client, partner);
  const active = ofPartner.filter((i) => i.status !== "disconnected");
  const [only] = active;
  if (active.length === 1 && only !== undefined) return only;
  if (active.length > 1) throw candidatesError(partner, active);
  const which = partner ? `${partner.toUpperCase()} ` : "";
  const message = `No active ${which}connection.`;
  const disconnected = ofPartner.length - active.length;
  throw new CliError(
    EXIT.notFound,
    message,
    { error: { code: "not_found", message } },
    disconnected > 0
      ? [`${disconnected} disconnected; see \`patchbay partner list\` and pass --instance ID.`]
      : [
          "Connect one with: patchbay partner attach --api URL --user TENANT_ID --secret APP_ID/APP_SECRET DEFENDER",
        ],
  );
}

// --- commands -----------------------------------------------------------------------------------------------------

export async function attach(
  ctx: Context,
  partnerName: string | undefined,
  flags: ConnectFlags,
): Promise<ExitCode> {
  const partner = requirePartner(partnerName);
  const input = await connectInput(ctx, partner, flags);
  const client = await ctx.client();
  let integration: Integration;
  try {
    integration = await withSpinner(ctx.term, verifyLabel(partner), () =>
      client.request({ method: "POST", path: "api/integrations", schema: integrationSchema, body: input }),
    );
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.conflict) {
      const existing = z.object({ integrationId: z.string() }).safeParse(error.envelope.error.detail);
      if (existing.success) {
        throw new CliError(error.exitCode, error.message, error.envelope, [
          `See it with: patchbay partner status --instance ${clean(existing.data.integrationId)}`,
        ]);
      }
    }
    throw error;
  }
  print(ctx, integration, () => [
    ...(integration.lastReport ? [...renderChecklist(integration.lastReport), ""] : []),
    ...renderStatus(integration),
  ]);
  return EXIT.ok;
}

export async function test(
  ctx: Context,
  partnerName: string | undefined,
  flags: ConnectFlags,
): Promise<ExitCode> {
  const partner = requirePartner(partnerName);
  const input = await connectInput(ctx, partner, flags);
  const client = await ctx.client();
  const report = await withSpinner(ctx.term, verifyLabel(partner), () =>
    client.request({
      method: "POST",
      path: "api/integrations/test",
      schema: verificationReportSchema,
      body: input,
    }),
  );
  print(ctx, report, () => {
    const lines = [...renderChecklist(report), ""];
    if (!report.ok) {
      lines.push(`Test failed: ${clean(report.error?.message ?? "the connection could not be verified.")}`);
      if (report.error) lines.push(`  Fix: ${clean(report.error.remediation)}`);
    } else if (report.status === "degraded") {
      lines.push("Test passed with a warning: the connection would be Degraded. Nothing was saved.");
      if (report.permissions.missing.length > 0)
        lines.push(`  Missing permission: ${permissionText(report.permissions.missing)}`);
    } else {
      lines.push("Test passed: the connection would be Connected. Nothing was saved.");
    }
    return lines;
  });
  return report.ok ? EXIT.ok : EXIT.verificationFailed;
}

export async function detach(
  ctx: Context,
  partnerName: string | undefined,
  flags: { instance: string | undefined; yes: boolean },
): Promise<ExitCode> {
  const partner = resolvePartner(partnerName, true);
  if (!flags.yes && !ctx.term.stdinIsTTY) {
    throw usageError(
      "Refusing to disconnect without confirmation: stdin is not a terminal. Pass --yes to confirm.",
    );
  }
  const client = await ctx.client();
  const target = await selectConnection(client, partner, flags.instance);
  if (target.status === "disconnected") {
    print(ctx, target, () => renderStatus(target));
    return EXIT.ok;
  }
  if (!flags.yes) {
    const question = `Disconnect “${clean(target.name)}” (${identityText(target)})? Patchbay erases the stored ${secretLabel(target.partner)}. [y/N] `;
    if (!(await confirm(ctx.term, question))) {
      const message = "Cancelled; nothing was changed.";
      throw new CliError(EXIT.unexpected, message, { error: { code: "cancelled", message } });
    }
  }
  const result = await withSpinner(ctx.term, "Disconnecting…", () =>
    client.request({
      method: "DELETE",
      path: `api/integrations/${encodeURIComponent(target.id)}`,
      schema: integrationSchema,
    }),
  );
  print(ctx, result, () => renderStatus(result));
  return EXIT.ok;
}

export async function list(ctx: Context, partnerName: string | undefined): Promise<ExitCode> {
  const partner = resolvePartner(partnerName, false);
  const client = await ctx.client();
  const integrations = await withSpinner(ctx.term, "Loading…", () => allIntegrations(client, partner));
  // Every page was read: the JSON is the API's list shape, complete.
  print(ctx, { integrations, nextCursor: null }, () =>
    integrations.length > 0
      ? renderList(integrations)
      : [
          `No ${partner ? `${partner.toUpperCase()} ` : ""}connections yet.`,
          "Connect one with: patchbay partner attach --api URL --user TENANT_ID --secret APP_ID/APP_SECRET DEFENDER",
        ],
  );
  return EXIT.ok;
}

export async function status(
  ctx: Context,
  partnerName: string | undefined,
  flags: { instance: string | undefined },
): Promise<ExitCode> {
  const partner = resolvePartner(partnerName, false);
  const client = await ctx.client();
  const integration = await withSpinner(ctx.term, "Loading…", () =>
    selectConnection(client, partner, flags.instance),
  );
  print(ctx, integration, () => renderDetail(integration));
  return EXIT.ok;
}

/** Pick the connection (by partner and --instance) and POST one of its actions, behind a spinner. */
async function postToConnection<T>(
  ctx: Context,
  partnerName: string | undefined,
  flags: { instance: string | undefined },
  request: { action: "check" | "sync"; label: string; schema: z.ZodType<T> },
): Promise<T> {
  const partner = resolvePartner(partnerName, false);
  const client = await ctx.client();
  return withSpinner(ctx.term, request.label, async () => {
    const target = await selectConnection(client, partner, flags.instance);
    return client.request({
      method: "POST",
      path: `api/integrations/${encodeURIComponent(target.id)}/${request.action}`,
      schema: request.schema,
    });
  });
}

export async function check(
  ctx: Context,
  partnerName: string | undefined,
  flags: { instance: string | undefined },
): Promise<ExitCode> {
  const integration = await postToConnection(ctx, partnerName, flags, {
    action: "check",
    label: "Verifying (up to ~30 s)…",
    schema: integrationSchema,
  });
  print(ctx, integration, () => [
    ...(integration.lastReport ? [...renderChecklist(integration.lastReport), ""] : []),
    ...renderStatus(integration),
  ]);
  return integration.status === "error" ? EXIT.verificationFailed : EXIT.ok;
}

/** `patchbay partner sync [PARTNER]`: every sync source of the connection runs now; prints where each stands. */
export async function sync(
  ctx: Context,
  partnerName: string | undefined,
  flags: { instance: string | undefined },
): Promise<ExitCode> {
  const state = await postToConnection(ctx, partnerName, flags, {
    action: "sync",
    label: "Starting the sync…",
    schema: syncStateSchema,
  });
  print(ctx, state, () => renderSyncState(state));
  return EXIT.ok;
}
