import type { Integration, PermissionRef } from "../../../shared/contract";

/** A permission on the Defender for Endpoint API, as the contract names both. */
export function defenderPermission(name: string): PermissionRef {
  return { name, api: "WindowsDefenderATP" };
}

/** A permission on Microsoft Graph. */
export function graphPermission(name: string): PermissionRef {
  return { name, api: "Microsoft Graph" };
}

/** The secret of a disconnected integration: erased. */
export const erasedSecret: Integration["secret"] = {
  configured: false,
  fingerprint: null,
  updatedAt: null,
  expiresAt: null,
  expirySource: null,
};

/** A Defender connection's config for component tests (the config type is every partner's union). */
export function defenderConfig(overrides: { tenantId?: string; features?: string[] } = {}) {
  return {
    baseUrl: "https://api.security.microsoft.com",
    tenantId: overrides.tenantId ?? "11111111-2222-3333-4444-555555555555",
    appId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    cloud: "commercial" as const,
    features: overrides.features ?? ["alerts", "devices"],
  };
}

/** A connected Defender integration for component tests; override what a test is about. */
export function makeIntegration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    partner: "defender",
    name: "Contoso production",
    status: "connected",
    config: defenderConfig(),
    secret: {
      configured: true,
      fingerprint: "3f9a0c1d2e4b",
      updatedAt: "2025-11-20T09:30:00.000Z",
      expiresAt: null,
      expirySource: null,
    },
    features: [
      { id: "alerts", api: "WindowsDefenderATP", status: "working", missing: [], message: "Read one alert." },
      {
        id: "devices",
        api: "WindowsDefenderATP",
        status: "working",
        missing: [],
        message: "Read one device.",
      },
    ],
    permissions: {
      required: [defenderPermission("Alert.Read.All"), defenderPermission("Machine.Read.All")],
      granted: [defenderPermission("Alert.Read.All"), defenderPermission("Machine.Read.All")],
      missing: [],
      unused: [],
    },
    lastCheckedAt: "2025-11-22T09:00:00.000Z",
    lastSuccessAt: "2025-11-22T09:00:00.000Z",
    error: null,
    lastReport: null,
    createdAt: "2025-11-20T09:30:00.000Z",
    updatedAt: "2025-11-22T09:00:00.000Z",
    disconnectedAt: null,
    ...overrides,
  };
}
