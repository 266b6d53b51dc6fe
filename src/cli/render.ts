import type { PartnerCatalogEntry } from "../shared/catalog";
import {
  configText,
  type FeatureResult,
  type FeatureStatus,
  type Integration,
  type PermissionRef,
  type VerificationReport,
} from "../shared/contract";
import type { SyncState } from "../shared/data-contract";
import { partnerCatalog } from "../shared/partners/registry";
import { clean } from "./terminal";

/** Human-readable output. Pure functions returning lines; text from the server is passed through `clean`. */

const statusLabel: Record<Integration["status"], string> = {
  connected: "Connected",
  degraded: "Degraded",
  error: "Error",
  disconnected: "Disconnected",
  checking: "Checking",
};

/** The catalog this CLI was built with, made once (a list renders a row per connection). */
let catalog: PartnerCatalogEntry[] | undefined;

function catalogEntry(partnerId: string): PartnerCatalogEntry | undefined {
  catalog ??= partnerCatalog();
  return catalog.find((p) => p.id === partnerId);
}

export function partnerDisplayName(partnerId: string): string {
  return catalogEntry(partnerId)?.name ?? partnerId;
}

/** The value that tells this connection from another of its partner's (e.g. the tenant), or "". */
function identityValue(integration: Integration): string {
  const field = catalogEntry(integration.partner)?.identity.field;
  return clean(field === undefined ? "" : (configText(integration.config, field) ?? ""));
}

/** "tenant 4f1c…", as the partner's catalog names its identity field. */
export function identityText(integration: Integration): string {
  const label = catalogEntry(integration.partner)?.identity.label ?? "";
  return `${label.toLowerCase()} ${identityValue(integration)}`.trim();
}

/** The label of the partner's secret field, e.g. "App Secret". */
export function secretLabel(partnerId: string): string {
  return catalogEntry(partnerId)?.fields.find((f) => f.kind === "secret")?.label ?? "secret";
}

/** `2026-11-03 14:05:09 UTC`, or `never`. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return clean(iso);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "Alert.Read.All, Machine.Read.All (WindowsDefenderATP); Application.Read.All (Microsoft Graph)", or "none". */
export function permissionText(permissions: readonly PermissionRef[]): string {
  if (permissions.length === 0) return "none";
  const apis = [...new Set(permissions.map((p) => p.api))];
  return apis
    .map((api) => {
      const names = permissions.filter((p) => p.api === api).map((p) => clean(p.name));
      return `${names.join(", ")} (${clean(api)})`;
    })
    .join("; ");
}

export function featureLabel(id: string): string {
  catalog ??= partnerCatalog();
  const feature = catalog.flatMap((p) => p.features).find((f) => f.id === id);
  return feature ? feature.label : clean(id);
}

const featureStatusWord: Record<FeatureStatus | "unchecked", string> = {
  working: "working",
  permission_missing: "permission missing",
  not_licensed: "not licensed",
  failed: "failed",
  unchecked: "not checked",
};

/** One line per feature: [status] label message, then what it lacks. `enabled` adds those without a result. */
export function renderFeatures(results: readonly FeatureResult[], enabled: readonly string[] = []): string[] {
  const ids = [...new Set([...enabled, ...results.map((r) => r.id)])];
  if (ids.length === 0) return [];
  const rows = ids.map((id) => {
    const result = results.find((r) => r.id === id);
    return { mark: `[${featureStatusWord[result?.status ?? "unchecked"]}]`, label: featureLabel(id), result };
  });
  const markWidth = Math.max(...rows.map((r) => r.mark.length));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const lines = ["Features:"];
  for (const { mark, label, result } of rows) {
    lines.push(
      `  ${mark.padEnd(markWidth)}  ${label.padEnd(labelWidth)}  ${result ? clean(result.message) : ""}`.trimEnd(),
    );
    if (result && result.missing.length > 0) {
      lines.push(
        `${" ".repeat(2 + markWidth + 2 + labelWidth + 2)}Missing: ${result.missing.map(clean).join(", ")}`,
      );
    }
  }
  return lines;
}

const DAY_MS = 24 * 3600 * 1000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "expires 2027-06-30 (in 208 days, read from Microsoft Graph)", "expired 2026-11-30 (3 days ago)", or "unknown". */
export function expiryText(
  expiresAt: string | null | undefined,
  source: "graph" | "admin" | null | undefined,
  now: Date = new Date(),
  /** The partner's catalog `expiryReadFrom` (Microsoft Graph when absent). */
  readFrom = "Microsoft Graph",
): string {
  if (!expiresAt) return "unknown";
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) return clean(expiresAt);
  const delta = at.getTime() - now.getTime();
  const day = at.toISOString().slice(0, 10);
  const ago = Math.floor(-delta / DAY_MS);
  const when =
    delta > 0
      ? `in ${plural(Math.ceil(delta / DAY_MS), "day")}`
      : ago === 0
        ? "today"
        : `${plural(ago, "day")} ago`;
  const from =
    source === "graph" ? `read from ${readFrom}` : source === "admin" ? "typed by an admin" : undefined;
  return `${delta > 0 ? "expires" : "expired"} ${day} (${[when, from].filter((x) => x !== undefined).join(", ")})`;
}

const UNUSED_NOTE = "granted but unused; remove them to limit what this secret can do";

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The verification steps: label, ok/failed/skipped, message, and what to do about a failure; then how each feature
 * fared (unless `features: false`, when the caller shows them already), unused permissions and the secret's expiry.
 */
export function renderChecklist(report: VerificationReport, options: { features?: boolean } = {}): string[] {
  const lines = [`Verification checklist (${seconds(report.durationMs)}):`];
  const labelWidth = Math.max(...report.steps.map((s) => clean(s.label).length), 4);
  for (const step of report.steps) {
    const mark = `[${step.status}]`.padEnd(9);
    lines.push(`  ${mark} ${clean(step.label).padEnd(labelWidth)}  ${clean(step.message)}`);
    const indent = " ".repeat(2 + 9 + 1 + labelWidth + 2);
    if (step.status === "failed" && step.remediation) lines.push(`${indent}Fix: ${clean(step.remediation)}`);
    if (step.status === "failed" && step.code) lines.push(`${indent}Code: ${step.code}`);
  }
  for (const warning of report.warnings)
    lines.push(`  Warning (${clean(warning.field)}): ${clean(warning.message)}`);
  const features = options.features === false ? [] : renderFeatures(report.features);
  if (features.length > 0) lines.push(...features);
  if (report.permissions.unused.length > 0) {
    lines.push(`Unused permissions: ${permissionText(report.permissions.unused)} (${UNUSED_NOTE})`);
  }
  if (report.secretExpiry) {
    const { expiresAt, message } = report.secretExpiry;
    lines.push(`Secret expiry: ${expiryText(expiresAt, null)}. ${clean(message)}`);
  }
  return lines;
}

function describe(integration: Integration): string {
  const partner = partnerDisplayName(integration.partner);
  const name = clean(integration.name);
  const context = name === partner ? "" : `${partner}, `;
  return `“${name}” (${context}${identityText(integration)})`;
}

/** One or a few lines saying where a connection stands and what to do about it. */
export function renderStatus(integration: Integration): string[] {
  const lines: string[] = [];
  const missing = integration.permissions.missing;
  switch (integration.status) {
    case "connected":
      lines.push(`Connected: ${describe(integration)}.`);
      break;
    case "degraded":
      lines.push(`Degraded: ${describe(integration)} works, but something needs attention.`);
      if (missing.length > 0) lines.push(`  Missing permission: ${permissionText(missing)}`);
      break;
    case "error":
      lines.push(`Error: ${describe(integration)} does not work.`);
      break;
    case "disconnected":
      lines.push(
        `Disconnected: ${describe(integration)}. The stored ${secretLabel(integration.partner)} was erased (its encryption key destroyed). ${catalogEntry(integration.partner)?.revokeSecretNote ?? ""}`.trimEnd(),
      );
      break;
    case "checking":
      lines.push(`Checking: ${describe(integration)} is being verified right now.`);
      break;
  }
  const error = integration.error;
  if (error && integration.status !== "disconnected") {
    lines.push(`  Problem: ${clean(error.message)}`);
    lines.push(`  Fix: ${clean(error.remediation)}`);
  }
  lines.push(`  ID: ${integration.id}`);
  return lines;
}

/** Everything `partner status` shows about one connection. */
export function renderDetail(integration: Integration, now: Date = new Date()): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(14)}${value}`;
  const { config, secret, permissions } = integration;
  const secretText = secret.configured
    ? [
        "stored",
        secret.fingerprint ? `fingerprint ${clean(secret.fingerprint)}` : undefined,
        `updated ${formatTime(secret.updatedAt)}`,
      ]
        .filter((x) => x !== undefined)
        .join(", ")
    : "none (erased or never stored)";
  const lines = [
    `${clean(integration.name)} — ${statusLabel[integration.status]}`,
    row("ID", integration.id),
    row("Partner", `${partnerDisplayName(integration.partner)} (${integration.partner.toUpperCase()})`),
    ...(catalogEntry(integration.partner)?.fields ?? [])
      .filter((field) => field.kind !== "secret")
      .map((field) => row(field.label, clean(configText(config, field.name) ?? ""))),
    ...(config.cloud === null ? [] : [row("Cloud", clean(config.cloud))]),
    row(secretLabel(integration.partner), secretText),
    ...(secret.configured
      ? [
          row(
            "Secret expiry",
            expiryText(
              secret.expiresAt,
              secret.expirySource,
              now,
              catalogEntry(integration.partner)?.expiryReadFrom,
            ),
          ),
        ]
      : []),
    row("Features", config.features.length > 0 ? config.features.map(clean).join(", ") : "none"),
    row("Required", permissionText(permissions.required)),
    row("Granted", permissionText(permissions.granted)),
    row("Missing", permissionText(permissions.missing)),
    ...(permissions.unused.length > 0
      ? [row("Unused", `${permissionText(permissions.unused)} — ${UNUSED_NOTE}`)]
      : []),
    row("Last checked", formatTime(integration.lastCheckedAt)),
    row("Last success", formatTime(integration.lastSuccessAt)),
    row("Created", formatTime(integration.createdAt)),
  ];
  if (integration.disconnectedAt) lines.push(row("Disconnected", formatTime(integration.disconnectedAt)));
  if (integration.status !== "disconnected") {
    const features = renderFeatures(integration.features, config.features);
    if (features.length > 0) lines.push("", ...features);
  }
  const error = integration.error;
  if (error && integration.status !== "disconnected") {
    lines.push("", `Problem (${error.code}): ${clean(error.message)}`, `  Fix: ${clean(error.remediation)}`);
  }
  // The features block above already shows the last verification's feature results.
  if (integration.lastReport) {
    lines.push(
      "",
      ...renderChecklist(integration.lastReport, { features: integration.status === "disconnected" }),
    );
  }
  return lines;
}

/** A plain, aligned table; the last column is not padded. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [format(header), ...rows.map(format)];
}

export function renderList(integrations: readonly Integration[]): string[] {
  return renderTable(
    ["ID", "PARTNER", "NAME", "STATUS", "IDENTITY", "LAST CHECKED"],
    integrations.map((i) => [
      i.id,
      i.partner.toUpperCase(),
      clean(i.name),
      i.status,
      identityValue(i),
      formatTime(i.lastCheckedAt),
    ]),
  );
}

/** One line per sync source: what it holds, when it last succeeded, and a failure with its fix. */
export function renderSyncState(state: SyncState): string[] {
  if (state.sources.length === 0)
    return ["No enabled feature brings data into Patchbay (alerts, incidents, devices, vulnerabilities)."];
  const lines = renderTable(
    ["SOURCE", "STATE", "RECORDS", "LAST SUCCESS", "NEXT RUN"],
    state.sources.map((s) => [
      clean(s.source),
      s.state,
      String(s.records),
      formatTime(s.lastSuccessAt),
      formatTime(s.nextRunAt),
    ]),
  );
  // The notices say why data is missing or late (failures included), each with what to do.
  for (const notice of state.notices) {
    lines.push(`  ${clean(notice.message)} Fix: ${clean(notice.remediation)}`);
  }
  return lines;
}
