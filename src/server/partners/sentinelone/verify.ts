import { z } from "zod";
import type {
  FeatureResult,
  IntegrationError,
  Permissions,
  SecretExpiry,
  VerificationReport,
  VerificationStep,
} from "../../../shared/contract";
import {
  SENTINELONE_API,
  SENTINELONE_DEFAULT_FEATURES,
  type SentinelOneFeature,
  type SentinelOneFeatureId,
  sentinelOneFeatures,
  sentinelOneInputWarnings,
  sentinelOnePermissionsFor,
} from "../../../shared/partners/sentinelone";
import type { TransportError } from "../../lib/outbound-http";
import { cleanUpstreamText } from "../../lib/upstream-text";
import { callSentinelOne, type S1Outcome, scopeQuery } from "./api";
import { type S1FailureContext, s1Failure, transientCodes } from "./failures";

/**
 * Verify a SentinelOne connection for real, as named steps that never throw:
 * input → cloud ("Reach the console": `GET system/info` answers as the Management API) → token (the same answer
 * accepts the token) → api (`threats?limit=1&skipCount=true` for alerts, `agents?limit=1&skipCount=true` for
 * devices, with the Account/Site scope) → expiry (`POST users/api-token-details` → `data.expiresAt`, so the core's
 * expiry warnings work). `/accounts` is never called: it refuses site-scoped tokens (reference B2, B4).
 */

export interface SentinelOneVerifyOptions {
  callTimeoutMs: number;
  deadlineMs: number;
}

export interface SentinelOneVerifyInput {
  consoleUrl: string;
  apiToken: string;
  accountId: string | null;
  siteId: string | null;
  features?: readonly SentinelOneFeatureId[] | undefined;
}

type StepResult = Omit<VerificationStep, "durationMs" | "id" | "label">;

const labels: Record<VerificationStep["id"], string> = {
  input: "Check the values",
  cloud: "Reach the SentinelOne console",
  token: "Check the API token",
  permissions: "Check the token's role",
  api: "Read from SentinelOne",
  expiry: "Read the API token's expiry date",
};

const tokenDetailsSchema = z.object({
  data: z.object({ expiresAt: z.string().nullish(), createdAt: z.string().nullish() }),
});

/** SentinelOne writes 6 fractional digits (`%Y-%m-%dT%H:%M:%S.%fZ`); JavaScript dates hold 3. */
export function parseS1Date(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim().replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  // Outside 1970–9999 is a broken upstream, not a date worth counting down to.
  return date.getUTCFullYear() >= 1970 && date.getUTCFullYear() <= 9999 ? date : null;
}

function transportCode(error: TransportError) {
  return error.kind === "timeout" ? "timeout" : error.kind === "tls" ? "tls_error" : "endpoint_unreachable";
}

type Failed = Exclude<S1Outcome, { ok: true }>;

/** What a failed call means. `feature` names the read for a 403. */
export function s1CallFailure(
  outcome: Failed,
  ctx: S1FailureContext,
  feature?: SentinelOneFeature,
): IntegrationError {
  if (outcome.kind === "transport") {
    return s1Failure(transportCode(outcome.error), ctx, {
      systemCode: outcome.error.systemCode,
      reason: outcome.error.message,
    });
  }
  switch (outcome.reason) {
    case "unauthorized":
      return s1Failure("invalid_secret", ctx, outcome.detail);
    case "forbidden":
      return s1Failure("permission_missing", ctx, outcome.detail, feature ? { feature } : {});
    case "rate_limited":
      return s1Failure(
        "rate_limited",
        ctx,
        { ...outcome.detail, retryAfterSeconds: outcome.retryAfterSeconds },
        { retryAfterSeconds: outcome.retryAfterSeconds },
      );
    case "server_error":
      return s1Failure("upstream_error", ctx, outcome.detail);
    case "refused":
    case "not_sentinelone":
      return s1Failure("wrong_endpoint", ctx, outcome.detail);
  }
}

const featureStatusOf = (code: IntegrationError["code"]): FeatureResult["status"] =>
  code === "permission_missing" ? "permission_missing" : "failed";

export async function verifySentinelOneConnection(
  input: SentinelOneVerifyInput,
  options: SentinelOneVerifyOptions,
): Promise<VerificationReport> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const steps: VerificationStep[] = [];
  const enabledIds =
    input.features && input.features.length > 0 ? input.features : SENTINELONE_DEFAULT_FEATURES;
  const enabled = sentinelOneFeatures.filter((f) => enabledIds.includes(f.id));
  const required = sentinelOnePermissionsFor(enabledIds);
  const permissions: Permissions = { required, granted: [], missing: [], unused: [] };
  const results = new Map<SentinelOneFeatureId, FeatureResult>();
  let secretExpiry: SecretExpiry | undefined;
  let firstError: IntegrationError | undefined;
  const host = new URL(input.consoleUrl).host;
  const ctx: S1FailureContext = {
    host,
    scope: input.siteId ? `site ${input.siteId}` : input.accountId ? `account ${input.accountId}` : null,
    timeoutSeconds: Math.round(options.callTimeoutMs / 1000),
  };

  const noteError = (error: IntegrationError) => {
    // A broken token outranks a missing permission; a passing problem never hides one a person must fix.
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
  const run = async (id: VerificationStep["id"], body: () => Promise<StepResult> | StepResult) => {
    const t0 = Date.now();
    let result: StepResult;
    try {
      result = await body();
    } catch (error) {
      // A fault of ours must still end as a report, never as a 500 or a failed job.
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
  const settle = (feature: SentinelOneFeature, result: Omit<FeatureResult, "id" | "api">) =>
    results.set(feature.id, { id: feature.id, api: SENTINELONE_API.portalName, ...result });
  const call = (method: "GET" | "POST", path: string, body?: unknown) =>
    callSentinelOne({
      consoleUrl: input.consoleUrl,
      token: input.apiToken,
      method,
      path,
      ...(body === undefined ? {} : { body }),
      deadline,
      callTimeoutMs: options.callTimeoutMs,
    });

  const warnings = sentinelOneInputWarnings({ consoleUrl: input.consoleUrl });
  await run("input", () => ({
    status: "ok",
    message: `Console URL, API token${ctx.scope ? ` and the ${ctx.scope.split(" ")[0]} scope` : ""} are well-formed.`,
  }));

  // One call proves both the console and the token; its outcome is judged twice, step by step.
  const info = await call("GET", "system/info");
  const isS1 =
    (info.ok && Object.hasOwn(info.json, "data")) ||
    (!info.ok &&
      info.kind === "http" &&
      (info.reason === "unauthorized" || info.reason === "forbidden" || info.reason === "rate_limited"));
  const reached = await run("cloud", () => {
    if (isS1) {
      return {
        status: "ok",
        message: `${host} answers as the SentinelOne Management API (/web/api/v2.1/).`,
      };
    }
    if (!info.ok && info.kind === "http" && info.reason === "server_error") {
      return failed(s1CallFailure(info, ctx));
    }
    if (!info.ok && info.kind === "transport") return failed(s1CallFailure(info, ctx));
    return failed(
      s1Failure("wrong_endpoint", ctx, info.ok ? { request: "GET /web/api/v2.1/system/info" } : info.detail),
    );
  });

  let tokenOk = false;
  if (!reached) {
    skip("token", "Skipped: the console did not answer as SentinelOne's API.");
  } else {
    tokenOk = await run("token", () => {
      if (info.ok) return { status: "ok", message: "SentinelOne accepted the API token." };
      if (info.kind === "http" && info.reason === "forbidden") {
        // Authenticated (not 401); the role only may not view system information, which nothing here needs.
        return {
          status: "ok",
          message:
            "SentinelOne accepted the API token (its role may not view system information; Patchbay does not need it).",
        };
      }
      return failed(s1CallFailure(info, ctx));
    });
  }

  if (!tokenOk) {
    skip("api", reached ? "Skipped: the API token was not accepted." : "Skipped: no console to read from.");
  } else {
    await run("api", async () => {
      const proved: string[] = [];
      let stepError: IntegrationError | undefined;
      for (const feature of enabled) {
        const outcome = await call("GET", `${feature.probe}${scopeQuery(input)}`);
        const permission = { name: feature.permission, api: SENTINELONE_API.portalName };
        if (outcome.ok) {
          proved.push(feature.read);
          permissions.granted.push(permission);
          settle(feature, { status: "working", missing: [], message: `GET ${feature.read} answered.` });
          continue;
        }
        const error = s1CallFailure(outcome, ctx, feature);
        if (error.code === "permission_missing") permissions.missing.push(permission);
        stepError ??= error;
        noteError(error);
        settle(feature, {
          status: featureStatusOf(error.code),
          missing: error.code === "permission_missing" ? [feature.permission] : [],
          code: error.code,
          message: error.message,
        });
      }
      if (stepError) {
        return {
          status: "failed",
          message: stepError.message,
          code: stepError.code,
          remediation: stepError.remediation,
          ...(stepError.detail ? { detail: stepError.detail } : {}),
        };
      }
      return { status: "ok", message: `Read ${proved.join(" and ")}${ctx.scope ? ` of ${ctx.scope}` : ""}.` };
    });

    await run("expiry", async () => {
      const outcome = await call("POST", "users/api-token-details", { data: { apiToken: input.apiToken } });
      if (!outcome.ok) {
        if (outcome.kind === "http" && (outcome.reason === "refused" || outcome.reason === "forbidden")) {
          // Service-user tokens may not be able to introspect themselves (reference B3, ⚠): not a broken connection.
          secretExpiry = {
            expiresAt: null,
            match: "none",
            message: `SentinelOne did not tell this token's expiry (HTTP ${String(outcome.detail.httpStatus)}). Type the date shown for the service user in Settings → Users → Service Users.`,
          };
          return { status: "ok", message: secretExpiry.message };
        }
        return failed(s1CallFailure(outcome, ctx));
      }
      const details = tokenDetailsSchema.safeParse(outcome.json);
      const expiresAt = details.success ? parseS1Date(details.data.data.expiresAt) : null;
      if (expiresAt === null) {
        secretExpiry = {
          expiresAt: null,
          match: "none",
          message:
            "SentinelOne answered without the token's expiry date. Type the date shown for the service user in Settings → Users → Service Users.",
        };
        return { status: "ok", message: secretExpiry.message };
      }
      const day = expiresAt.toISOString().slice(0, 10);
      secretExpiry = {
        expiresAt: expiresAt.toISOString(),
        match: "unique",
        message: cleanUpstreamText(`The API token expires on ${day} (read from SentinelOne).`),
      };
      return { status: "ok", message: secretExpiry.message };
    });
  }

  // Features never reached (the console or the token failed) failed with the error that stopped them.
  for (const feature of enabled) {
    if (!results.has(feature.id)) {
      const error: IntegrationError | undefined = firstError;
      settle(feature, {
        status: "failed",
        missing: [],
        ...(error ? { code: error.code } : {}),
        message: error ? error.message : "Not verified.",
      });
    }
  }
  if (!tokenOk) permissions.missing = [...required];
  const features = enabled.flatMap((f) => {
    const result = results.get(f.id);
    return result ? [result] : [];
  });
  const working = features.filter((f) => f.status === "working");
  const status: VerificationReport["status"] =
    firstError === undefined && working.length === features.length
      ? "connected"
      : working.length > 0 && tokenOk
        ? "degraded"
        : "error";
  const reported: IntegrationError | undefined = firstError;
  const error =
    status === "degraded" && reported
      ? {
          ...reported,
          message: `${reported.message} Not working: ${features
            .filter((f) => f.status !== "working")
            .map((f) => f.id)
            .join(", ")}.`,
        }
      : reported;
  return {
    ok: status !== "error",
    status,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    cloud: null,
    steps,
    permissions,
    ...(error ? { error } : {}),
    warnings,
    features,
    ...(secretExpiry ? { secretExpiry } : {}),
  };
}
