import type {
  FeatureResult,
  IntegrationError,
  VerificationReport,
  VerificationStep,
} from "../../../shared/contract";
import {
  FALCON_API,
  type FalconCloudChoice,
  type FalconCloudId,
  type FalconFeatureId,
  falconClouds,
  falconFeatures,
  falconScopesFor,
} from "../../../shared/partners/crowdstrike";
import {
  type Credentials,
  callFalcon,
  cloudOfOrigin,
  type FalconOrigins,
  type FalconToken,
  mintToken,
  revokeToken,
} from "./api";
import { type FalconFailureContext, falconFailure } from "./failures";

/**
 * Verify a Falcon connection for real (reference A3–A4, Part C): input → token (`POST /oauth2/token`, 201) → cloud
 * (`X-CS-Region`; with auto-discovery a client of another cloud gets its token there) → api (the cheapest read of
 * each enabled scope) → permissions (which scopes answered). Every token it minted is revoked before it returns:
 * a check leaves nothing usable behind.
 */

export interface FalconVerifyOptions {
  origins: FalconOrigins;
  callTimeoutMs: number;
  deadlineMs: number;
}

export interface FalconVerifyInput extends Credentials {
  choice: FalconCloudChoice;
  features: readonly FalconFeatureId[];
}

const labels: Record<VerificationStep["id"], string> = {
  input: "Check the values",
  token: "Get a token from CrowdStrike Falcon",
  cloud: "Find the Falcon cloud",
  api: "Read from the Falcon API",
  permissions: "Check the API client's scopes",
  expiry: "Read the secret's expiry date",
};

export async function verifyFalconConnection(
  input: FalconVerifyInput,
  options: FalconVerifyOptions,
): Promise<VerificationReport> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const steps: VerificationStep[] = [];
  const warnings: VerificationReport["warnings"] = [];
  const minted: FalconToken[] = [];
  let firstError: IntegrationError | undefined;
  const step = (
    id: VerificationStep["id"],
    result: Omit<VerificationStep, "id" | "label" | "durationMs">,
    t0: number,
  ) => {
    steps.push({ id, label: labels[id], ...result, durationMs: Math.max(0, Date.now() - t0) });
    if (result.status === "failed" && result.code && !firstError) {
      firstError = {
        code: result.code,
        message: result.message,
        remediation: result.remediation ?? "",
        ...(result.detail ? { detail: result.detail } : {}),
      };
    }
  };
  const failedStep = (id: VerificationStep["id"], error: IntegrationError, t0: number) =>
    step(
      id,
      {
        status: "failed",
        code: error.code,
        message: error.message,
        remediation: error.remediation,
        ...(error.detail ? { detail: error.detail } : {}),
      },
      t0,
    );
  const enabled = falconFeatures.filter((f) => input.features.includes(f.id));
  step(
    "input",
    { status: "ok", message: "Client ID, Client Secret and Cloud are in Falcon's format." },
    started,
  );

  const firstCloud: FalconCloudId = input.choice === "auto" ? "us-1" : input.choice;
  const ctx = (cloud: FalconCloudId): FalconFailureContext => ({
    clientId: input.clientId,
    choice: input.choice,
    cloud,
    timeoutSeconds: Math.round(options.callTimeoutMs / 1000),
  });

  // Token: where the admin pointed (US-1 for auto-discovery).
  let t0 = Date.now();
  const first = await mintToken(
    options.origins,
    options.origins[firstCloud],
    input,
    deadline,
    options.callTimeoutMs,
  );
  let token: FalconToken | undefined;
  let cloud: FalconCloudId | undefined;
  if (!first.ok) {
    failedStep("token", falconFailure(first, ctx(firstCloud), null), t0);
  } else {
    minted.push(first.token);
    token = first.token;
    step(
      "token",
      {
        status: "ok",
        message: `Falcon issued a token (valid ${Math.round((first.token.expiresAt - t0) / 60_000)} min).`,
      },
      t0,
    );

    // Cloud: X-CS-Region names the client's cloud; a token from elsewhere works only there (401 invalid bearer).
    t0 = Date.now();
    const mintedIn = cloudOfOrigin(options.origins, first.token.origin) ?? firstCloud;
    cloud = first.token.region ?? mintedIn;
    if (cloud !== mintedIn) {
      const regional = await mintToken(
        options.origins,
        options.origins[cloud],
        input,
        deadline,
        options.callTimeoutMs,
      );
      if (!regional.ok) {
        failedStep("cloud", falconFailure(regional, ctx(cloud), null), t0);
        token = undefined;
      } else {
        minted.push(regional.token);
        token = regional.token;
      }
    }
    if (token) {
      if (input.choice !== "auto" && input.choice !== cloud) {
        warnings.push({
          field: "falconCloud",
          message: `Cloud is set to ${falconClouds[input.choice].label}, but Falcon says the API client belongs to ${falconClouds[cloud].label}; Patchbay uses ${falconClouds[cloud].label}. Set Cloud to match, or to Auto-discover.`,
        });
      }
      step(
        "cloud",
        {
          status: "ok",
          message:
            input.choice === "auto"
              ? `The API client belongs to ${falconClouds[cloud].label} (${falconClouds[cloud].apiHost}), found by auto-discovery.`
              : `The API client belongs to ${falconClouds[cloud].label} (${falconClouds[cloud].apiHost}).`,
        },
        t0,
      );
    }
  }

  // One cheapest read per enabled scope.
  const results = new Map<FalconFeatureId, FeatureResult>();
  if (token && cloud) {
    t0 = Date.now();
    const proved: string[] = [];
    let apiError: IntegrationError | undefined;
    for (const feature of enabled) {
      const outcome = await callFalcon({
        origin: options.origins[cloud],
        method: "GET",
        path: feature.probe,
        authorization: `Bearer ${token.accessToken}`,
        signal: deadline,
        timeoutMs: options.callTimeoutMs,
      });
      if (outcome.ok) {
        proved.push(feature.label.toLowerCase());
        results.set(feature.id, {
          id: feature.id,
          api: FALCON_API.portalName,
          status: "working",
          missing: [],
          message: `GET ${feature.probe.split("?")[0]} answered.`,
        });
        continue;
      }
      const error = falconFailure(outcome, ctx(cloud), feature.scope);
      apiError ??= error;
      results.set(feature.id, {
        id: feature.id,
        api: FALCON_API.portalName,
        status: error.code === "permission_missing" ? "permission_missing" : "failed",
        missing: error.code === "permission_missing" ? [feature.scope] : [],
        code: error.code,
        message: error.message,
      });
    }
    if (apiError) failedStep("api", apiError, t0);
    else step("api", { status: "ok", message: `Read ${proved.join(" and ")}.` }, t0);
    const missing = enabled.filter((f) => results.get(f.id)?.status === "permission_missing");
    step(
      "permissions",
      missing.length === 0
        ? {
            status: apiError ? "skipped" : "ok",
            message: apiError
              ? "Not every scope could be checked."
              : `The API client has ${enabled.map((f) => f.scope).join(" and ")}.`,
          }
        : {
            status: "failed",
            code: "permission_missing",
            message: `Missing ${missing.map((f) => f.scope).join(" and ")} (or an IP allowlist blocks those reads).`,
            remediation:
              "Tick the missing scopes on the API client in Support and resources → API clients and keys.",
          },
      t0,
    );
  }

  // A check keeps nothing: every token it minted goes back (gofalcon does the same after autodiscovery).
  await Promise.all(
    minted.map((t) =>
      revokeToken(
        t.origin,
        input,
        t.accessToken,
        AbortSignal.timeout(options.callTimeoutMs),
        options.callTimeoutMs,
      ).catch(() => false),
    ),
  );

  for (const feature of enabled) {
    if (!results.has(feature.id)) {
      results.set(feature.id, {
        id: feature.id,
        api: FALCON_API.portalName,
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
      : working.length > 0
        ? "degraded"
        : "error";
  const required = falconScopesFor(input.features);
  const granted = required.filter((p) =>
    features.some((f) => f.status === "working" && enabled.find((e) => e.id === f.id)?.scope === p.name),
  );
  const missing = required.filter((p) => features.some((f) => f.missing.includes(p.name)));
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
    cloud: cloud ?? null,
    steps,
    permissions: { required, granted, missing, unused: [] },
    ...(error ? { error } : {}),
    warnings,
    features,
  };
}
