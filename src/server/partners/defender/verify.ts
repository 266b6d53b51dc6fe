import type {
  FailureDetail,
  IntegrationError,
  VerificationReport,
  VerificationStep,
} from "../../../shared/contract";
import {
  cloudOfHost,
  type DefenderCloud,
  type DefenderConnect,
  defenderFeatures,
  defenderInputWarnings,
  defenderRequiredPermissions,
  isPermissionGranted,
} from "../../../shared/partners/defender";
import type { TransportError } from "../../lib/outbound-http";
import { probeDefender } from "./api-probe";
import { type FailureContext, failure } from "./failures";
import { acquireDefenderToken, decodeTokenClaims } from "./token";

/**
 * Verify a Defender connection for real, as named steps (DESIGN §5): input → cloud → token → permissions → api.
 * Every outbound call is bounded by `callTimeoutMs`, the whole run by `deadlineMs`.
 */

export interface VerifyOptions {
  extraHosts: readonly string[];
  /** Operator seam: replaces login.microsoftonline.com/.us (PATCHBAY_ENTRA_AUTHORITY). */
  entraAuthority: string | undefined;
  callTimeoutMs: number;
  deadlineMs: number;
}

type StepResult = Omit<VerificationStep, "durationMs" | "id" | "label">;

const labels: Record<VerificationStep["id"], string> = {
  input: "Check the values",
  cloud: "Find the Microsoft cloud",
  token: "Sign in to Microsoft Entra ID",
  permissions: "Check granted permissions",
  api: "Read from the Defender API",
};

function aadstsCode(aadsts: number | null, httpStatus: number | null) {
  switch (aadsts) {
    case 7000215:
    case 7000218:
      return "invalid_secret";
    case 7000222:
      return "secret_expired";
    case 700016:
    case 7000112:
      return "app_not_found";
    case 90002:
    case 900023:
      return "tenant_not_found";
    case 90038:
    case 900432:
    case 70011:
    case 1002012:
      return "wrong_cloud";
    case 500011:
      return "defender_not_provisioned";
    case 53003:
      return "conditional_access";
    case 90055:
    case 90024:
      return "rate_limited";
    default:
      return httpStatus === 429 ? "rate_limited" : "upstream_error";
  }
}

function transportCode(error: TransportError) {
  return error.kind === "timeout" ? "timeout" : error.kind === "tls" ? "tls_error" : "endpoint_unreachable";
}

export async function verifyDefenderConnection(
  input: DefenderConnect,
  options: VerifyOptions,
): Promise<VerificationReport> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const steps: VerificationStep[] = [];
  const permissions = {
    required: [...defenderRequiredPermissions],
    granted: [] as string[],
    missing: [] as string[],
  };
  let firstError: IntegrationError | undefined;

  const run = async (id: VerificationStep["id"], body: () => Promise<StepResult> | StepResult) => {
    const t0 = Date.now();
    let result: StepResult;
    try {
      result = await body();
    } catch (error) {
      // A fault of ours or of a library must still end as a report, never as a 500 or a failed job.
      const reason = error instanceof Error ? error.name : "unknown";
      result = failed({
        code: "upstream_error",
        message: `Patchbay could not complete this step (${reason}).`,
        remediation:
          "Try again. If it persists, send the details below and the server log to your Patchbay operator.",
        detail: { reason },
      });
    }
    steps.push({ id, label: labels[id], ...result, durationMs: Date.now() - t0 });
    return result.status === "ok";
  };
  const skip = (id: VerificationStep["id"], message: string) =>
    steps.push({ id, label: labels[id], status: "skipped", message, durationMs: 0 });
  const failed = (error: IntegrationError): StepResult => {
    // The failure that decides the status is the one shown: a broken token outranks a missing permission.
    if (
      firstError === undefined ||
      (firstError.code === "permission_missing" && error.code !== "permission_missing")
    ) {
      firstError = error;
    }
    return {
      status: "failed",
      message: error.message,
      code: error.code,
      remediation: error.remediation,
      ...(error.detail ? { detail: error.detail } : {}),
    };
  };

  const apiHost = new URL(input.baseUrl).host;
  const warnings = defenderInputWarnings(input);
  await run("input", () => ({
    status: "ok",
    message: "Base URL, Tenant ID, App ID and App Secret are well-formed.",
  }));

  const cloud: DefenderCloud | undefined = cloudOfHost(apiHost, options.extraHosts);
  const authorityOrigin =
    options.entraAuthority ?? `https://${cloud?.authorityHost ?? "login.microsoftonline.com"}`;
  const ctx: FailureContext = {
    appId: input.appId,
    tenantId: input.tenantId,
    apiHost,
    authorityHost: new URL(authorityOrigin).host,
    cloudLabel: cloud?.label ?? "Commercial",
    timeoutSeconds: Math.round(options.callTimeoutMs / 1000),
  };

  const cloudOk = await run("cloud", () =>
    cloud
      ? {
          status: "ok",
          message: `${cloud.label} cloud: tokens from ${ctx.authorityHost} for ${cloud.scope}.`,
        }
      : failed(failure("wrong_endpoint", ctx, { host: apiHost })),
  );

  let accessToken: string | null = null;
  if (cloud && cloudOk) {
    await run("token", async () => {
      const outcome = await acquireDefenderToken({
        authorityOrigin,
        tenantId: input.tenantId,
        appId: input.appId,
        appSecret: input.appSecret,
        scope: cloud.scope,
        deadline,
        callTimeoutMs: options.callTimeoutMs,
      });
      if (outcome.ok) {
        accessToken = outcome.accessToken;
        return { status: "ok", message: `Entra ID issued an app-only token for App ID ${input.appId}.` };
      }
      if (outcome.kind === "transport") {
        return failed(
          failure(transportCode(outcome.error), ctx, {
            host: ctx.authorityHost,
            systemCode: outcome.error.systemCode,
            reason: outcome.error.message,
          }),
        );
      }
      if (outcome.kind === "malformed")
        return failed(failure("upstream_error", ctx, { host: ctx.authorityHost, ...outcome.detail }));
      const code = aadstsCode(outcome.aadsts, outcome.httpStatus);
      return failed(failure(code, ctx, outcome.detail, { source: "entra" }));
    });
  } else {
    skip("token", "Skipped: the Base URL's cloud is unknown.");
  }

  const token: string | null = accessToken;
  const grantedFeatures: (typeof defenderFeatures)[number][] = [];
  if (token === null) {
    skip("permissions", "Skipped: no token to inspect.");
  } else {
    await run("permissions", () => {
      const claims = decodeTokenClaims(token);
      if (claims?.roles === undefined || claims.roles.length === 0) {
        permissions.missing = [...defenderRequiredPermissions];
        return failed(failure("consent_missing", ctx, { rolesClaim: "absent" }));
      }
      const roles = claims.roles;
      for (const feature of defenderFeatures) {
        if (isPermissionGranted(feature.permission, roles)) {
          permissions.granted.push(feature.permission.name);
          grantedFeatures.push(feature);
        } else {
          permissions.missing.push(feature.permission.name);
        }
      }
      if (permissions.missing.length > 0) {
        return failed(
          failure("permission_missing", ctx, { granted: roles.join(", ") }, { missing: permissions.missing }),
        );
      }
      return { status: "ok", message: `Granted: ${permissions.granted.join(", ")}.` };
    });
  }

  if (token === null || grantedFeatures.length === 0) {
    skip(
      "api",
      token === null ? "Skipped: no token." : "Skipped: the app has no permission to read anything yet.",
    );
  } else {
    await run("api", async () => {
      const read: string[] = [];
      for (const feature of grantedFeatures) {
        const outcome = await probeDefender({
          baseUrl: input.baseUrl,
          path: feature.probe,
          emptyMeansNotFound: feature.probe === "/api/machines",
          accessToken: token,
          deadline,
          callTimeoutMs: options.callTimeoutMs,
        });
        if (outcome.ok) {
          read.push(feature.label.toLowerCase());
          continue;
        }
        if (outcome.kind === "transport") {
          return failed(
            failure(transportCode(outcome.error), ctx, {
              host: apiHost,
              systemCode: outcome.error.systemCode,
              reason: outcome.error.message,
            }),
          );
        }
        const detail: FailureDetail = { host: apiHost, ...outcome.detail };
        switch (outcome.reason) {
          case "unauthorized":
            return failed(failure("wrong_cloud", ctx, detail));
          case "forbidden":
            return failed(failure("permission_missing", ctx, detail, { missing: [feature.permission.name] }));
          case "disabled_feature":
            return failed(failure("defender_not_provisioned", ctx, detail));
          case "rate_limited":
            return failed(
              failure(
                "rate_limited",
                ctx,
                { ...detail, retryAfterSeconds: outcome.retryAfterSeconds },
                {
                  retryAfterSeconds: outcome.retryAfterSeconds,
                },
              ),
            );
          case "server_error":
            return failed(failure("upstream_error", ctx, detail));
          case "not_defender":
            return failed(failure("wrong_endpoint", ctx, detail));
        }
      }
      return { status: "ok", message: `Read ${read.join(" and ")} from ${apiHost}.` };
    });
  }

  const apiOk = steps.some((s) => s.id === "api" && s.status === "ok");
  const onlyPermissionsMissing = steps.every((s) => s.status !== "failed" || s.code === "permission_missing");
  const status: VerificationReport["status"] =
    firstError === undefined ? "connected" : apiOk && onlyPermissionsMissing ? "degraded" : "error";
  return {
    ok: status !== "error",
    status,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    cloud: cloud?.id ?? null,
    steps,
    permissions,
    ...(firstError ? { error: firstError } : {}),
    warnings,
  };
}
