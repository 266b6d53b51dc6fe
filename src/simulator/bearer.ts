// Bearer-token checks shared by the simulated APIs. Each API accepts only tokens whose audience is its own resource
// (reference/microsoft-defender.md §1.3: a WindowsDefenderATP token is refused by the Defender XDR API with 401)
// and words the refusal in its own error shape.

import type { IncomingMessage } from "node:http";
import { audienceIs, type SimResourceKey } from "./resources";
import type { AccessTokenClaims, SigningKey } from "./signing-key";

export type BearerProblem =
  /** No Authorization header. */
  | "missing"
  /** An Authorization header that is not `Bearer <token>`. */
  | "scheme"
  /** Not a JWT at all. */
  | "malformed"
  /** A JWT this simulator did not sign, or with claims it did not issue. */
  | "invalid"
  | "expired"
  /** A valid token for another resource. */
  | "audience";

export type BearerCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly problem: BearerProblem; readonly aud?: string };

export function checkBearer(
  signingKey: SigningKey,
  req: IncomingMessage,
  resource: SimResourceKey,
): BearerCheck {
  const header = req.headers.authorization;
  if (!header) return { ok: false, problem: "missing" };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = m?.[1];
  if (!token) return { ok: false, problem: "scheme" };
  const result = signingKey.verify(token, Math.floor(Date.now() / 1000));
  if (!result.ok) {
    if (result.reason === "token expired") return { ok: false, problem: "expired" };
    if (result.reason === "malformed token") return { ok: false, problem: "malformed" };
    return { ok: false, problem: "invalid" };
  }
  if (!audienceIs(result.claims.aud, resource)) {
    return { ok: false, problem: "audience", aud: result.claims.aud };
  }
  return { ok: true, claims: result.claims };
}

/** Whether the token's `roles` claim holds any of `wanted`. */
export function hasAnyRole(claims: AccessTokenClaims, wanted: readonly string[]): boolean {
  const roles = claims.roles ?? [];
  return wanted.some((r) => roles.includes(r));
}
