import type { Integration } from "../../../shared/contract";

/** A connected Defender integration for component tests; override what a test is about. */
export function makeIntegration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
    partner: "defender",
    name: "Contoso production",
    status: "connected",
    config: {
      baseUrl: "https://api.security.microsoft.com",
      tenantId: "11111111-2222-3333-4444-555555555555",
      appId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      cloud: "commercial",
    },
    secret: { configured: true, fingerprint: "3f9a0c1d2e4b", updatedAt: "2025-11-20T09:30:00.000Z" },
    permissions: {
      required: ["Machine.Read.All", "Alert.Read.All"],
      granted: ["Machine.Read.All", "Alert.Read.All"],
      missing: [],
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
