import type { IntegrationConfig, Permissions, VerificationReport } from "../../shared/contract";
import type { VerificationErrorCode } from "../../shared/errors";
import type { PartnerId } from "../../shared/partners/ids";

/**
 * What the core asks of a partner (DESIGN §11). The integrations service, repository and routes know partners
 * only through this interface; each partner implements it in its own folder (src/server/partners/<id>/adapter.ts)
 * and src/server/partners/registry.ts is the only module that imports those folders.
 */

/** A partner's non-secret connection settings, as stored (jsonb) and served. */
export type StoredConfig = IntegrationConfig;

export interface ConnectRequest {
  name: string | undefined;
  config: StoredConfig;
  secret: string;
  options: VerifyRequestOptions;
}

/** Per-request choices of a verification that are not stored. */
export interface VerifyRequestOptions {
  /** Also run the probes that spend the partner's quota (e.g. advanced hunting). */
  probeAll?: boolean | undefined;
}

export interface ChangeRequest {
  name: string | undefined;
  /** The stored config with the change applied. */
  config: StoredConfig;
  /** A replacement secret, or undefined to keep the stored one. */
  secret: string | undefined;
  /** An expiry date the admin typed for the secret (ISO), null to clear it, undefined to leave it. */
  secretExpiresAt: string | null | undefined;
}

export interface PartnerAdapter {
  readonly id: PartnerId;
  /** The name a connection gets when the admin gives none. */
  readonly defaultName: string;
  /** Failures that leave a working connection `degraded` (wait or retry) rather than `error` (a person must act). */
  readonly transientCodes: ReadonlySet<VerificationErrorCode>;
  /** Where and how an admin makes a new secret, for the expiry warnings (one sentence). */
  readonly secretRenewal: string;
  /** Validate a connect (or dry-run test) body for this partner: a 400 naming each field otherwise. */
  parseConnect(body: unknown): ConnectRequest;
  /** Validate a change and apply it to the stored config: a 400 naming each field otherwise. */
  parseChange(body: unknown, current: StoredConfig): ChangeRequest;
  /** What makes two connections the same (one active connection each): e.g. tenant + app for Microsoft. */
  identityKey(config: StoredConfig): string;
  /** That identity in words, for messages: "tenant … with App ID …". */
  describeIdentity(config: StoredConfig): string;
  /** Verify for real against the partner, never throwing: every failure is a step of the report. */
  verify(
    config: StoredConfig,
    secret: string,
    name: string | undefined,
    options?: VerifyRequestOptions,
  ): Promise<VerificationReport>;
  /** The config to store after a successful verification (it may have learnt something, e.g. the cloud). */
  settle(config: StoredConfig, report: VerificationReport): StoredConfig;
  /** The permissions shown for a connection that holds no secret any more. */
  idlePermissions(): Permissions;
  /** What the sync engine pulls from this partner (DESIGN §12); none for a partner without sync. */
  readonly sources: readonly SyncSource[];
  /**
   * On Disconnect, before the secret is erased: give back what the connection holds at the partner (CrowdStrike
   * revokes its access tokens). Best effort and bounded: it never throws, and a failure never stops a Disconnect.
   */
  release?(config: StoredConfig, secret: string): Promise<void>;
}

// --- Sync (DESIGN §12) ---------------------------------------------------------------------------------------------

export type Severity = "informational" | "low" | "medium" | "high" | "critical" | "unknown";

/** An alert as the shared tables and pages know it, normalised from the partner's record (kept whole in `raw`). */
export interface AlertRecord {
  externalId: string;
  title: string;
  severity: Severity;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  deviceName: string | null;
  category: string | null;
  description: string | null;
  evidence: Array<{ kind: string; name: string; detail: string | null }>;
  /** The record in the partner's console. */
  portalUrl: string | null;
  raw: unknown;
}

export interface IncidentRecord {
  externalId: string;
  title: string;
  severity: Severity;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  assignedTo: string | null;
  alertCount: number;
  portalUrl: string | null;
  raw: unknown;
}

/** A device as the shared tables and pages know it. */
export interface DeviceRecord {
  externalId: string;
  name: string;
  healthStatus: string;
  osPlatform: string;
  onboardingStatus: string | null;
  riskScore: string | null;
  exposureLevel: string | null;
  lastSeenAt: Date | null;
  portalUrl: string | null;
  raw: unknown;
}

export interface VulnerabilityRecord {
  /** The CVE id. */
  externalId: string;
  title: string;
  severity: "low" | "medium" | "high" | "critical" | "unknown";
  cvssScore: number | null;
  exposedDevices: number;
  publicExploit: boolean;
  publishedAt: Date | null;
  updatedAt: Date | null;
  raw: unknown;
}

export interface SoftwareRecord {
  externalId: string;
  name: string;
  vendor: string | null;
  weaknesses: number;
  exposedDevices: number;
  publicExploit: boolean;
  raw: unknown;
}

/** Incremental tables keep a record's newest version; inventory tables mark what a complete pass did not list. */
export type SyncBatch =
  | { table: "alerts"; records: AlertRecord[] }
  | { table: "incidents"; records: IncidentRecord[] }
  | { table: "devices"; records: DeviceRecord[] }
  | { table: "vulnerabilities"; records: VulnerabilityRecord[] }
  | { table: "software"; records: SoftwareRecord[] };
export type SyncTable = SyncBatch["table"];

/** One page of a source: what to store, the cursor that follows it, and whether the pass is complete. */
export interface SyncPage {
  batch: SyncBatch;
  /** Records that could not be read, by the partner's id (counted and logged; never fail the page). */
  malformed: Array<{ id: string; reason: string }>;
  /** Saved in the same transaction as the batch; the next page starts from it. */
  cursor: unknown;
  /** The pass is complete: wait for the next interval. */
  done: boolean;
  /** Inventory sources: the pass these records belong to; when it completes, what it did not list is gone. */
  pass?: string;
  /** How far the pass is, when the partner says how many there are. */
  total?: number | null;
}

/** A partner API's published rate limits, which every instance's sync shares (src/server/sync/budget.ts). */
export interface ApiLimits {
  perMinute: number;
  perHour: number;
  /** Calls per minute left to verification and re-checks. */
  reservePerMinute: number;
}

/** Calls against the partner's rate limits, shared by every instance (src/server/sync/budget.ts). */
export interface CallBudget {
  /** Wait until a call to `api` fits the budget, then count it. Throws SyncFailure when the wait is too long. */
  take(api: string): Promise<void>;
  /** The partner answered 429: no call to `api` until `retryAfterSeconds` have passed. */
  throttled(api: string, retryAfterSeconds: number): Promise<void>;
}

export interface SyncContext {
  integrationId: string;
  config: StoredConfig;
  secret: string;
  /** The stream's cursor as last committed (null for a new stream). */
  cursor: unknown;
  budget: CallBudget;
  signal: AbortSignal;
  now: Date;
}

/** A sync failure the Data section shows as it is: what went wrong and what to do. */
export class SyncFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly remediation: string,
    /** Try again after this long (a 429's Retry-After); otherwise the engine backs off. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "SyncFailure";
  }
}

export interface SyncSource {
  /** `alerts`, `devices`, … (unique per partner). */
  readonly id: string;
  readonly label: string;
  /** incremental: by last-update time with a cursor; inventory: a full pass that marks what disappeared. */
  readonly kind: "incremental" | "inventory";
  /** The feature that must be enabled on the connection for this source to run. */
  readonly feature: string;
  /** Where its records are stored. */
  readonly table: SyncTable;
  /** The partner API whose rate budget it spends (the budget's key). */
  readonly api: string;
  /** That API's limits. */
  readonly limits: ApiLimits;
  readonly intervalMinutes: number;
  /**
   * The partner's words for the Data section's notices, where the defaults speak of Microsoft Defender: a devices
   * source that listed nothing, and what to expect of a first sync.
   */
  readonly notices?: {
    readonly empty?: { readonly message: string; readonly remediation: string };
    readonly firstSync?: string;
  };
  /** Fetch one page after `ctx.cursor`. Throws SyncFailure for anything the admin or time must fix. */
  pull(ctx: SyncContext): Promise<SyncPage>;
}
