import { z } from "zod";

/**
 * When does the secret in use expire? Microsoft Graph lists an application's `passwordCredentials` with each one's
 * `hint` (the first three characters of the secret) and `endDateTime`; the secret itself can never be read back.
 * Patchbay computes the hint of the secret while it holds it for a check, and stores nothing more of it.
 * Source: shared/reference/microsoft-graph.md §1.4–1.5.
 */

// Graph's shapes are full of nulls: every field may be missing or null, and a malformed entry is skipped.
const passwordCredentialSchema = z.object({
  keyId: z.string().nullish(),
  displayName: z.string().nullish(),
  hint: z.string().nullish(),
  endDateTime: z.string().nullish(),
});
const applicationSchema = z.object({ passwordCredentials: z.array(z.unknown()).nullish() });

export interface CredentialEnd {
  /** ISO 8601 end of validity. */
  endsAt: string;
  keyId: string | null;
  displayName: string | null;
}

export type ExpiryMatch =
  /** Exactly one credential has the hint of the secret in use. */
  | { kind: "unique"; credential: CredentialEnd }
  /** Several share the hint (three characters collide): the earliest end is the safe one to show. */
  | { kind: "ambiguous"; credential: CredentialEnd; candidates: number }
  /** None matches (the secret is on the service principal, or was deleted): the earliest future end, if any. */
  | { kind: "none"; earliestFuture: CredentialEnd | null }
  /** The application object was not in the expected shape. */
  | { kind: "unreadable" };

export function secretHint(secret: string): string {
  return secret.slice(0, 3);
}

function ends(entries: readonly z.infer<typeof passwordCredentialSchema>[]): CredentialEnd[] {
  return entries
    .flatMap((c) => {
      const endsAt = c.endDateTime ? Date.parse(c.endDateTime) : Number.NaN;
      // Only dates a person could mean: outside 1970–9999 is a broken upstream, not an expiry.
      return Number.isFinite(endsAt) && endsAt >= 0 && endsAt < Date.UTC(10000, 0, 1)
        ? [
            {
              endsAt: new Date(endsAt).toISOString(),
              keyId: c.keyId ?? null,
              displayName: c.displayName ?? null,
            },
          ]
        : [];
    })
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt));
}

export function matchSecretExpiry(application: unknown, hint: string, now = new Date()): ExpiryMatch {
  const parsed = applicationSchema.safeParse(application);
  if (!parsed.success) return { kind: "unreadable" };
  const credentials = (parsed.data.passwordCredentials ?? []).flatMap((entry) => {
    const credential = passwordCredentialSchema.safeParse(entry);
    return credential.success ? [credential.data] : [];
  });
  const all = ends(credentials.filter((c) => c.hint === hint));
  // Entra keeps expired secrets listed until someone deletes them: one of those sharing the hint is not the secret
  // that just signed in, so future ends come first and expired ones count only when nothing else matches.
  const future = all.filter((c) => Date.parse(c.endsAt) > now.getTime());
  const matching = future.length > 0 ? future : all;
  const [first] = matching;
  if (first && matching.length === 1) return { kind: "unique", credential: first };
  if (first) return { kind: "ambiguous", credential: first, candidates: matching.length };
  const anyFuture = ends(credentials).filter((c) => Date.parse(c.endsAt) > now.getTime());
  return { kind: "none", earliestFuture: anyFuture[0] ?? null };
}
