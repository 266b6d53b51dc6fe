import { randomUUID } from "node:crypto";
import type { DataKeyStore } from "./data-keys";
import { type SealedSecret, type SecretBox, SecretBoxError } from "./secret-box";

/**
 * Secrets sealed with a data key of their own (envelope encryption): the ciphertext goes to the integration's row,
 * the data key (wrapped with the master key) to the key store. `shred` destroys the key, which is what makes an
 * erased secret unrecoverable even from old row versions, the WAL or a copy of the database (issue 6, finding 4).
 */

export interface VaultSealed extends SealedSecret {
  dataKeyId: string;
}

export interface StoredSecret {
  ciphertext: string;
  iv: string;
  keyId: string;
  /** null: sealed before per-secret keys, with the master-derived key. */
  dataKeyId: string | null;
}

/** A row's sealed secret, or null when it holds none (disconnected, or never stored). */
export function storedSecretOf(row: {
  secretCiphertext: string | null;
  secretIv: string | null;
  secretKeyId: string | null;
  secretDataKeyId: string | null;
}): StoredSecret | null {
  if (row.secretCiphertext === null || row.secretIv === null || row.secretKeyId === null) return null;
  return {
    ciphertext: row.secretCiphertext,
    iv: row.secretIv,
    keyId: row.secretKeyId,
    dataKeyId: row.secretDataKeyId,
  };
}

/** A key no row refers to is destroyed by the sweep once it is this old (a connect in flight holds one briefly). */
const ORPHAN_AGE_MS = 60 * 60_000;

export function createSecretVault(box: SecretBox, store: DataKeyStore) {
  return {
    keyId: box.keyId,
    store,
    fingerprint: box.fingerprint,

    async seal(plaintext: string, integrationId: string): Promise<VaultSealed> {
      const dataKeyId = randomUUID();
      const { key, wrapped } = box.newDataKey(dataKeyId);
      await store.put(dataKeyId, wrapped);
      return { ...box.seal(plaintext, integrationId, key), dataKeyId };
    },

    async open(stored: StoredSecret, integrationId: string): Promise<string> {
      if (stored.dataKeyId === null) return box.open(stored, integrationId);
      const wrapped = await store.get(stored.dataKeyId);
      if (wrapped === null) {
        throw new SecretBoxError(
          "The key of this stored secret is missing: it was erased, or the data directory's secret-keys folder was not restored together with the database. Replace the secret.",
        );
      }
      return box.open(stored, integrationId, box.unwrapDataKey(wrapped, stored.dataKeyId));
    },

    /** Destroy a secret's data key: from then on no copy of its ciphertext can be opened. Idempotent. */
    async shred(dataKeyId: string | null | undefined): Promise<void> {
      if (dataKeyId) await store.destroy([dataKeyId]);
    },

    /** Destroy keys that no stored secret refers to (a crash between a write and its clean-up). */
    async sweep(referenced: ReadonlySet<string>, now = new Date()): Promise<number> {
      const stale = (await store.storedBefore(new Date(now.getTime() - ORPHAN_AGE_MS))).filter(
        (id) => !referenced.has(id),
      );
      await store.destroy(stale);
      return stale.length;
    },
  };
}

export type SecretVault = ReturnType<typeof createSecretVault>;
