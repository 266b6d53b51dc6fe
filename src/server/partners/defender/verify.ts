import type {
  FailureDetail,
  FeatureResult,
  IntegrationError,
  PermissionRef,
  SecretExpiry,
  VerificationReport,
  VerificationStep,
} from "../../../shared/contract";
import {
  cloudOfHost,
  DEFAULT_FEATURES,
  type DefenderCloud,
  type DefenderFeature,
  type DefenderFeatureId,
  defenderFeatures,
  defenderInputWarnings,
  isGranted,
  type MicrosoftApiId,
  microsoftApiIds,
  microsoftApis,
  permissionsFor,
} from "../../../shared/partners/defender";
import type { TransportError } from "../../lib/outbound-http";
import { type CallOutcome, callMicrosoftApi } from "../microsoft/api-call";
import { microsoftResources } from "../microsoft/resources";
import { matchSecretExpiry, secretHint } from "../microsoft/secret-expiry";
import { type FailureContext, failure, transientCodes } from "./failures";
import { acquireDefenderToken, decodeTokenClaims } from "./token";

/**
 * Verify a Defender connection for real, as named steps (DESIGN §5): input → cloud → token (one per API the enabled
 * features call) → permissions (each token's roles against the features) → api (each feature's cheapest proving
 * call) → expiry (the secret's end date through Microsoft Graph, when that feature is on). Every outbound call is
 * bounded by `callTimeoutMs`, the whole run by `deadlineMs`.
 */

export interface VerifyOptions {
  extraHosts: readonly string[];
  /** Operator seam: replaces login.microsoftonline.com/.us (PATCHBAY_ENTRA_AUTHORITY). */
  entraAuthority: string | undefined;
  /** Operator seams: replace https://graph.microsoft.com and https://api.security.microsoft.com (incidents). */
  graphOrigin?: string | undefined;
  securityApiOrigin?: string | undefined;
  callTimeoutMs: number;
  deadlineMs: number;
}

export interface DefenderVerifyInput {
  baseUrl: string;
  tenantId: string;
  appId: string;
  appSecret: string;
  features?: readonly DefenderFeatureId[] | undefined;
  /** Also run the probes that spend the tenant's quota (advanced hunting). */
  probeAll?: boolean | undefined;
}

type StepResult = Omit<VerificationStep, "durationMs" | "id" | "label">;

const labels: Record<VerificationStep["id"], string> = {
  input: "Check the values",
  cloud: "Find the Microsoft cloud",
  token: "Sign in to Microsoft Entra ID",
  permissions: "Check granted permissions",
  api: "Read from Microsoft's APIs",
  expiry: "Read the secret's expiry date",
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

/** What a failed call means for the feature that made it. */
function callFailure(
  outcome: Exclude<CallOutcome, { ok: true }>,
  feature: DefenderFeature,
  ctx: FailureContext,
  host: string,
): IntegrationError {
  if (outcome.kind === "transport") {
    return failure(transportCode(outcome.error), ctx, {
      host,
      systemCode: outcome.error.systemCode,
      reason: outcome.error.message,
    });
  }
  const detail: FailureDetail = { host, ...outcome.detail };
  switch (outcome.reason) {
    case "unauthorized":
      return failure("wrong_cloud", ctx, detail);
    case "forbidden":
      return failure("permission_missing", ctx, detail, {
        missing: feature.permissions.map((p) => p.name),
        missingByApi: [
          {
            api: microsoftApis[feature.api].portalName,
            portalTab: microsoftApis[feature.api].portalTab,
            names: feature.permissions.map((p) => p.name),
          },
        ],
      });
    case "not_licensed":
      return failure("not_licensed", ctx, detail, { licence: feature.licence ?? "Microsoft" });
    case "disabled_feature":
      return failure("defender_not_provisioned", ctx, detail);
    case "rate_limited":
      return failure(
        "rate_limited",
        ctx,
        { ...detail, retryAfterSeconds: outcome.retryAfterSeconds },
        { retryAfterSeconds: outcome.retryAfterSeconds },
      );
    case "server_error":
      return failure("upstream_error", ctx, detail);
    case "not_microsoft":
      return failure("wrong_endpoint", ctx, detail);
  }
}

const featureStatusOf = (code: IntegrationError["code"]): FeatureResult["status"] =>
  code === "permission_missing" || code === "consent_missing"
    ? "permission_missing"
    : code === "not_licensed" || code === "defender_not_provisioned"
      ? "not_licensed"
      : "failed";

export async function verifyDefenderConnection(
  input: DefenderVerifyInput,
  options: VerifyOptions,
): Promise<VerificationReport> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const steps: VerificationStep[] = [];
  const enabledIds = input.features && input.features.length > 0 ? input.features : DEFAULT_FEATURES;
  const enabled = defenderFeatures.filter((f) => enabledIds.includes(f.id));
  const required = permissionsFor(enabledIds);
  const permissions = {
    required,
    granted: [] as PermissionRef[],
    missing: [] as PermissionRef[],
    unused: [] as PermissionRef[],
  };
  const results = new Map<DefenderFeatureId, FeatureResult>();
  let secretExpiry: SecretExpiry | undefined;
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
  const noteError = (error: IntegrationError) => {
    // The failure that decides the status is the one shown: a broken token outranks a missing permission.
    // A passing problem (throttling, a 5xx, a timeout) does not hide a missing permission: that one needs a person.
    if (
      firstError === undefined ||
      (firstError.code === "permission_missing" &&
        error.code !== "permission_missing" &&
        !transientCodes.has(error.code))
    ) {
      firstError = error;
    }
  };
  const failed = (error: IntegrationError): StepResult => {
    noteError(error);
    return {
      status: "failed",
      message: error.message,
      code: error.code,
      remediation: error.remediation,
      ...(error.detail ? { detail: error.detail } : {}),
    };
  };
  const settleFeature = (feature: DefenderFeature, result: Omit<FeatureResult, "id" | "api">) =>
    results.set(feature.id, { id: feature.id, api: microsoftApis[feature.api].portalName, ...result });

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

  const resources = microsoftResources(
    cloud?.id ?? "commercial",
    { scope: cloud?.scope ?? "", baseUrl: input.baseUrl },
    { graphOrigin: options.graphOrigin, securityApiOrigin: options.securityApiOrigin },
  );
  // Defender's token is always asked for first: it proves the credentials. Other APIs only when a feature needs them.
  const apis: MicrosoftApiId[] = [
    "defender",
    ...(["threat-protection", "graph"] as const).filter((api) => enabled.some((f) => f.api === api)),
  ];
  const tokens = new Map<MicrosoftApiId, string>();
  const tokenErrors = new Map<MicrosoftApiId, IntegrationError>();
  if (cloud && cloudOk) {
    await run("token", async () => {
      for (const api of apis) {
        const outcome = await acquireDefenderToken({
          authorityOrigin,
          tenantId: input.tenantId,
          appId: input.appId,
          appSecret: input.appSecret,
          scope: resources[api].scope,
          deadline,
          callTimeoutMs: options.callTimeoutMs,
        });
        if (outcome.ok) {
          tokens.set(api, outcome.accessToken);
          continue;
        }
        const error =
          outcome.kind === "transport"
            ? failure(transportCode(outcome.error), ctx, {
                host: ctx.authorityHost,
                systemCode: outcome.error.systemCode,
                reason: outcome.error.message,
              })
            : outcome.kind === "malformed"
              ? failure("upstream_error", ctx, { host: ctx.authorityHost, ...outcome.detail })
              : failure(aadstsCode(outcome.aadsts, outcome.httpStatus), ctx, outcome.detail, {
                  source: "entra",
                });
        // Without Defender's token nothing else is worth trying: the credentials themselves failed.
        if (api === "defender") return failed(error);
        tokenErrors.set(api, error);
      }
      const names = apis.filter((a) => tokens.has(a)).map((a) => microsoftApis[a].portalName);
      if (tokenErrors.size > 0) {
        const [api, error] = [...tokenErrors][0] ?? [];
        if (api && error) {
          noteError(error);
          return {
            status: "failed",
            message: `Entra ID issued tokens for ${names.join(", ")} but not for ${microsoftApis[api].portalName}: ${error.message}`,
            code: error.code,
            remediation: error.remediation,
          };
        }
      }
      return {
        status: "ok",
        message: `Entra ID issued app-only tokens for App ID ${input.appId}: ${names.join(", ")}.`,
      };
    });
  } else {
    skip("token", "Skipped: the Base URL's cloud is unknown.");
  }

  if (!tokens.has("defender")) {
    skip("permissions", "Skipped: no token to inspect.");
    permissions.missing = [...required];
  } else {
    await run("permissions", () => {
      const rolesOf = new Map<MicrosoftApiId, string[]>();
      for (const [api, token] of tokens) rolesOf.set(api, decodeTokenClaims(token)?.roles ?? []);
      const anyRoles = [...rolesOf.values()].some((roles) => roles.length > 0);
      const missingByApi = new Map<MicrosoftApiId, string[]>();
      for (const feature of enabled) {
        const tokenError = tokenErrors.get(feature.api);
        if (tokenError) {
          settleFeature(feature, {
            status: "failed",
            missing: [],
            code: tokenError.code,
            message: tokenError.message,
          });
          continue;
        }
        const roles = rolesOf.get(feature.api) ?? [];
        const missing = feature.permissions.filter((p) => !isGranted(p, roles)).map((p) => p.name);
        if (missing.length > 0) {
          missingByApi.set(feature.api, [...new Set([...(missingByApi.get(feature.api) ?? []), ...missing])]);
          settleFeature(feature, {
            status: "permission_missing",
            missing,
            code: "permission_missing",
            message: `Missing ${missing.join(", ")} on ${microsoftApis[feature.api].portalName}.`,
          });
        }
      }
      for (const permission of required) {
        const apiId = microsoftApiIds.find((id) => microsoftApis[id].portalName === permission.api);
        const roles = apiId ? (rolesOf.get(apiId) ?? []) : [];
        const definition = enabled.flatMap((f) => f.permissions).find((p) => p.name === permission.name);
        const granted = definition ? isGranted(definition, roles) : roles.includes(permission.name);
        (granted ? permissions.granted : permissions.missing).push(permission);
      }
      // Least privilege: roles the app holds that no enabled feature needs.
      for (const [apiId, roles] of rolesOf) {
        const needed = new Set(
          enabled
            .filter((f) => f.api === apiId)
            .flatMap((f) => f.permissions.flatMap((p) => [p.name, ...p.satisfiedBy])),
        );
        for (const role of roles) {
          if (!needed.has(role))
            permissions.unused.push({ name: role, api: microsoftApis[apiId].portalName });
        }
      }
      if (!anyRoles) {
        for (const feature of enabled) {
          if (!tokenErrors.has(feature.api)) {
            settleFeature(feature, {
              status: "permission_missing",
              missing: feature.permissions.map((p) => p.name),
              code: "consent_missing",
              message: "No permission is consented for this app.",
            });
          }
        }
        return failed(failure("consent_missing", ctx, { rolesClaim: "absent" }));
      }
      if (missingByApi.size > 0) {
        return failed(
          failure(
            "permission_missing",
            ctx,
            { granted: permissions.granted.map((p) => p.name).join(", ") },
            {
              missing: [...missingByApi.values()].flat(),
              missingByApi: [...missingByApi].map(([id, names]) => ({
                api: microsoftApis[id].portalName,
                portalTab: microsoftApis[id].portalTab,
                names,
              })),
            },
          ),
        );
      }
      return {
        status: "ok",
        message: `Granted: ${permissions.granted.map((p) => p.name).join(", ")}${permissions.unused.length > 0 ? `. Granted but unused: ${permissions.unused.map((p) => p.name).join(", ")}` : ""}.`,
      };
    });
  }

  const toProbe = enabled.filter((f) => !results.has(f.id) && tokens.has(f.api));
  if (toProbe.length === 0) {
    skip(
      "api",
      tokens.size === 0 ? "Skipped: no token." : "Skipped: the app has no permission to read anything yet.",
    );
  } else {
    await run("api", async () => {
      const proved: string[] = [];
      let stepError: IntegrationError | undefined;
      for (const feature of toProbe) {
        const token = tokens.get(feature.api);
        if (token === undefined) continue;
        if (feature.probe === null) {
          settleFeature(feature, { status: "working", missing: [], message: "Granted." });
          continue;
        }
        if (feature.probeOnRequest && !input.probeAll) {
          settleFeature(feature, {
            status: "working",
            missing: [],
            message: "Granted. Its probe runs only on request, because it spends the tenant's hunting quota.",
          });
          continue;
        }
        const origin = resources[feature.api].origin;
        const outcome = await callMicrosoftApi({
          api: feature.api,
          origin,
          probe: feature.probe,
          accessToken: token,
          deadline,
          callTimeoutMs: options.callTimeoutMs,
        });
        if (outcome.ok) {
          proved.push(feature.label.toLowerCase());
          settleFeature(feature, {
            status: "working",
            missing: [],
            message: `${feature.probe.method} ${feature.probe.path.split("?")[0]} answered.`,
          });
          continue;
        }
        const error = callFailure(outcome, feature, ctx, new URL(origin).host);
        stepError ??= error;
        settleFeature(feature, {
          status: featureStatusOf(error.code),
          missing: error.code === "permission_missing" ? feature.permissions.map((p) => p.name) : [],
          code: error.code,
          message: error.message,
        });
      }
      if (stepError) return failed(stepError);
      return {
        status: "ok",
        message: proved.length > 0 ? `Read ${proved.join(", ")}.` : "Every enabled feature is granted.",
      };
    });
  }

  const expiryFeature = enabled.find((f) => f.id === "secret-expiry");
  const graphToken = tokens.get("graph");
  if (expiryFeature && graphToken && results.get("secret-expiry")?.status === "working") {
    await run("expiry", async () => {
      const outcome = await callMicrosoftApi({
        api: "graph",
        origin: resources.graph.origin,
        probe: {
          method: "GET",
          path: `/v1.0/applications(appId='${input.appId}')?$select=id,appId,passwordCredentials`,
        },
        accessToken: graphToken,
        deadline,
        callTimeoutMs: options.callTimeoutMs,
      });
      if (!outcome.ok) {
        const error = callFailure(outcome, expiryFeature, ctx, new URL(resources.graph.origin).host);
        settleFeature(expiryFeature, {
          status: featureStatusOf(error.code),
          missing: error.code === "permission_missing" ? ["Application.Read.All"] : [],
          code: error.code,
          message: error.message,
        });
        return failed(error);
      }
      // The hint is the secret's first three characters: computed here, while the secret is held, never stored.
      const match = matchSecretExpiry(outcome.json, secretHint(input.appSecret));
      const day = (iso: string) => iso.slice(0, 10);
      switch (match.kind) {
        case "unique":
          secretExpiry = {
            expiresAt: match.credential.endsAt,
            match: "unique",
            message: `The secret in use${match.credential.displayName ? ` (“${match.credential.displayName}”)` : ""} expires on ${day(match.credential.endsAt)}.`,
          };
          break;
        case "ambiguous":
          secretExpiry = {
            expiresAt: match.credential.endsAt,
            match: "ambiguous",
            message: `${match.candidates} of the app's secrets start with the same characters as the one in use; the earliest of them expires on ${day(match.credential.endsAt)}, so Patchbay counts from that date.`,
          };
          break;
        case "none":
          secretExpiry = {
            expiresAt: null,
            match: "none",
            message: `No secret of the app registration matches the one in use (it may be on the enterprise application, or deleted).${match.earliestFuture ? ` The app's earliest secret expires on ${day(match.earliestFuture.endsAt)}.` : ""} Type the expiry date from Certificates & secrets instead.`,
          };
          break;
        case "unreadable":
          secretExpiry = {
            expiresAt: null,
            match: "none",
            message: "Microsoft Graph answered, but without the app's secrets. Type the expiry date instead.",
          };
          break;
      }
      settleFeature(expiryFeature, { status: "working", missing: [], message: secretExpiry.message });
      return { status: "ok", message: secretExpiry.message };
    });
  }

  // Features never reached (no token, unknown cloud) failed with the error that stopped them.
  for (const feature of enabled) {
    if (!results.has(feature.id)) {
      settleFeature(feature, {
        status: "failed",
        missing: [],
        ...(firstError ? { code: firstError.code } : {}),
        message: firstError ? firstError.message : "Not verified.",
      });
    }
  }
  const features = enabled.flatMap((f) => {
    const result = results.get(f.id);
    return result ? [result] : [];
  });
  const working = features.filter((f) => f.status === "working");
  const status: VerificationReport["status"] =
    firstError === undefined && working.length === features.length
      ? "connected"
      : working.length > 0 && tokens.has("defender")
        ? "degraded"
        : "error";
  const error =
    status === "degraded" && firstError
      ? {
          ...firstError,
          message: `${firstError.message} Not working: ${features
            .filter((f) => f.status !== "working")
            .map((f) => f.id)
            .join(", ")}.`,
        }
      : firstError;
  return {
    ok: status !== "error",
    status,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    cloud: cloud?.id ?? null,
    steps,
    permissions,
    ...(error ? { error } : {}),
    warnings,
    features,
    ...(secretExpiry ? { secretExpiry } : {}),
  };
}
