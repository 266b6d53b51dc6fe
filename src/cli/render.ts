import type { Integration, VerificationReport } from "../shared/contract";
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

export function partnerDisplayName(partnerId: string): string {
  return partnerCatalog().find((p) => p.id === partnerId)?.name ?? partnerId;
}

/** `2026-11-03 14:05:09 UTC`, or `never`. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return clean(iso);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The verification steps: label, ok/failed/skipped, message, and what to do about a failure. */
export function renderChecklist(report: VerificationReport): string[] {
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
  return lines;
}

function describe(integration: Integration): string {
  const partner = partnerDisplayName(integration.partner);
  const name = clean(integration.name);
  const context = name === partner ? "" : `${partner}, `;
  return `“${name}” (${context}tenant ${clean(integration.config.tenantId)})`;
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
      if (missing.length > 0) lines.push(`  Missing permission: ${missing.map(clean).join(", ")}`);
      break;
    case "error":
      lines.push(`Error: ${describe(integration)} does not work.`);
      break;
    case "disconnected":
      lines.push(
        `Disconnected: ${describe(integration)}. The stored App Secret was erased (its encryption key destroyed); delete the secret in Microsoft Entra ID too.`,
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
export function renderDetail(integration: Integration): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(14)}${value}`;
  const { config, secret, permissions } = integration;
  const secretText = secret.configured
    ? [
        "stored",
        secret.fingerprint ? `fingerprint ${clean(secret.fingerprint)}` : undefined,
        `updated ${formatTime(secret.updatedAt)}`,
        secret.expiresAt ? `expires ${formatTime(secret.expiresAt)}` : undefined,
      ]
        .filter((x) => x !== undefined)
        .join(", ")
    : "none (erased or never stored)";
  const list = (values: string[]) => (values.length > 0 ? values.map(clean).join(", ") : "none");
  const lines = [
    `${clean(integration.name)} — ${statusLabel[integration.status]}`,
    row("ID", integration.id),
    row("Partner", `${partnerDisplayName(integration.partner)} (${integration.partner.toUpperCase()})`),
    row("Base URL", clean(config.baseUrl)),
    row("Tenant ID", clean(config.tenantId)),
    row("App ID", clean(config.appId)),
    row("Cloud", config.cloud),
    row("App Secret", secretText),
    row("Required", list(permissions.required)),
    row("Granted", list(permissions.granted)),
    row("Missing", list(permissions.missing)),
    row("Last checked", formatTime(integration.lastCheckedAt)),
    row("Last success", formatTime(integration.lastSuccessAt)),
    row("Created", formatTime(integration.createdAt)),
  ];
  if (integration.disconnectedAt) lines.push(row("Disconnected", formatTime(integration.disconnectedAt)));
  const error = integration.error;
  if (error && integration.status !== "disconnected") {
    lines.push("", `Problem (${error.code}): ${clean(error.message)}`, `  Fix: ${clean(error.remediation)}`);
  }
  if (integration.lastReport) lines.push("", ...renderChecklist(integration.lastReport));
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
    ["ID", "PARTNER", "NAME", "STATUS", "TENANT", "LAST CHECKED"],
    integrations.map((i) => [
      i.id,
      i.partner.toUpperCase(),
      clean(i.name),
      i.status,
      clean(i.config.tenantId),
      formatTime(i.lastCheckedAt),
    ]),
  );
}
