// RS256 token signing for the simulated Entra ID, and verification for the simulated Defender API.

import { createHash, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";

export interface Jwk {
  kty: string;
  use: string;
  kid: string;
  x5t: string;
  n: string;
  e: string;
  alg: string;
}

const headerSchema = z.object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() });

export const accessTokenClaimsSchema = z.object({
  aud: z.string(),
  iss: z.string(),
  iat: z.number(),
  nbf: z.number(),
  exp: z.number(),
  appid: z.string(),
  tid: z.string(),
  oid: z.string(),
  roles: z.array(z.string()).optional(),
  ver: z.string(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string };

export interface SigningKey {
  readonly kid: string;
  readonly jwk: Jwk;
  sign(claims: Record<string, unknown>): string;
  verify(token: string, nowSeconds: number): VerifyResult;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

function parseJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

const CLOCK_SKEW_SECONDS = 300;

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const kid = base64url(createHash("sha1").update(spki).digest());
  const exported = publicKey.export({ format: "jwk" });
  const jwk: Jwk = {
    kty: "RSA",
    use: "sig",
    kid,
    x5t: kid,
    n: exported.n ?? "",
    e: exported.e ?? "AQAB",
    alg: "RS256",
  };
  return {
    kid,
    jwk,
    sign(claims) {
      const header = base64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid }));
      const payload = base64url(JSON.stringify(claims));
      const signature = sign("RSA-SHA256", Buffer.from(`${header}.${payload}`), privateKey);
      return `${header}.${payload}.${base64url(signature)}`;
    },
    verify(token, nowSeconds) {
      return verifyWith(publicKey, kid, token, nowSeconds);
    },
  };
}

function verifyWith(publicKey: KeyObject, kid: string, token: string, now: number): VerifyResult {
  const parts = token.split(".");
  const [h, p, s] = parts;
  if (parts.length !== 3 || h === undefined || p === undefined || s === undefined) {
    return { ok: false, reason: "malformed token" };
  }
  const header = headerSchema.safeParse(parseJsonSegment(h));
  if (!header.success || header.data.alg !== "RS256")
    return { ok: false, reason: "unsupported token header" };
  if (header.data.kid !== undefined && header.data.kid !== kid)
    return { ok: false, reason: "unknown signing key" };
  const valid = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"));
  if (!valid) return { ok: false, reason: "invalid signature" };
  const claims = accessTokenClaimsSchema.safeParse(parseJsonSegment(p));
  if (!claims.success) return { ok: false, reason: "invalid claims" };
  if (claims.data.exp + CLOCK_SKEW_SECONDS < now) return { ok: false, reason: "token expired" };
  if (claims.data.nbf - CLOCK_SKEW_SECONDS > now) return { ok: false, reason: "token not yet valid" };
  if (claims.data.iss !== `https://sts.windows.net/${claims.data.tid}/`)
    return { ok: false, reason: "invalid issuer" };
  return { ok: true, claims: claims.data };
}
