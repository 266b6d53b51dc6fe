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
}
