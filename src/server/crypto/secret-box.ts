import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Write-only secret storage (DESIGN §6): AES-256-GCM, a random 96-bit IV per encryption, the integration id as
 * additional authenticated data (a ciphertext copied to another row fails to open), and an HMAC fingerprint for
 * humans to compare. Both keys are derived from the master key with HKDF, so neither doubles as the other.
 */

export interface SealedSecret {
  /** base64 of ciphertext || 16-byte GCM tag */
  ciphertext: string;
  iv: string;
  keyId: string;
  fingerprint: string;
}

export interface SecretBox {
  readonly keyId: string;
  /**
   * Encrypt with `dataKey` (a per-secret key, see `newDataKey`) or, without one, with the key derived from the
   * master key (the format of secrets stored before per-secret keys).
   */
  seal(plaintext: string, associatedData: string, dataKey?: Buffer): SealedSecret;
  open(
    sealed: Pick<SealedSecret, "ciphertext" | "iv" | "keyId">,
    associatedData: string,
    dataKey?: Buffer,
  ): string;
  fingerprint(plaintext: string): string;
  /** A fresh random 32-byte data key and its wrapped form (encrypted with the master key) to store. */
  newDataKey(dataKeyId: string): { key: Buffer; wrapped: string };
  unwrapDataKey(wrapped: string, dataKeyId: string): Buffer;
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

const TAG_BYTES = 16;

/** A 32-byte key for one purpose, derived from the master key (HKDF-SHA256, `purpose` as info). */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, "", purpose, 32));
}

function encrypt(key: Buffer, plaintext: Buffer, associatedData: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  return { iv, body: Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
}

/** null when the ciphertext is too short or fails its integrity check. */
function decrypt(key: Buffer, iv: Buffer, body: Buffer, associatedData: string): Buffer | null {
  if (body.length <= TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

const WRAPPED_KEY = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9+/=]+)\.([A-Za-z0-9+/=]+)$/;

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new SecretBoxError("The master key must be 32 bytes.");
  const encryptionKey = deriveKey(masterKey, "patchbay secret box v1");
  const wrappingKey = deriveKey(masterKey, "patchbay data key wrapping v1");
  const fingerprintKey = deriveKey(masterKey, "patchbay secret fingerprint v1");
  const keyId = createHash("sha256").update(encryptionKey).digest("hex").slice(0, 8);
  const wrongMasterKey = (stored: string) =>
    new SecretBoxError(
      `The stored secret was encrypted with master key ${stored}, but this server has key ${keyId}. Restore the original PATCHBAY_MASTER_KEY or data/master.key, or replace the secret.`,
    );

  const fingerprint = (plaintext: string) =>
    createHmac("sha256", fingerprintKey).update(plaintext, "utf8").digest("hex").slice(0, 12);

  return {
    keyId,
    fingerprint,
    seal(plaintext, associatedData, dataKey) {
      const { iv, body } = encrypt(dataKey ?? encryptionKey, Buffer.from(plaintext, "utf8"), associatedData);
      return {
        ciphertext: body.toString("base64"),
        iv: iv.toString("base64"),
        keyId,
        fingerprint: fingerprint(plaintext),
      };
    },
    open(sealed, associatedData, dataKey) {
      if (sealed.keyId !== keyId) throw wrongMasterKey(sealed.keyId);
      const plaintext = decrypt(
        dataKey ?? encryptionKey,
        Buffer.from(sealed.iv, "base64"),
        Buffer.from(sealed.ciphertext, "base64"),
        associatedData,
      );
      if (plaintext === null)
        throw new SecretBoxError("The stored secret failed its integrity check; replace the secret.");
      return plaintext.toString("utf8");
    },
    newDataKey(dataKeyId) {
      const key = randomBytes(32);
      const { iv, body } = encrypt(wrappingKey, key, dataKeyId);
      return { key, wrapped: `v1.${keyId}.${iv.toString("base64")}.${body.toString("base64")}` };
    },
    unwrapDataKey(wrapped, dataKeyId) {
      const match = WRAPPED_KEY.exec(wrapped);
      if (!match?.[1] || !match[2] || !match[3])
        throw new SecretBoxError("The stored secret's key is damaged; replace the secret.");
      if (match[1] !== keyId) throw wrongMasterKey(match[1]);
      const key = decrypt(
        wrappingKey,
        Buffer.from(match[2], "base64"),
        Buffer.from(match[3], "base64"),
        dataKeyId,
      );
      if (key === null || key.length !== 32)
        throw new SecretBoxError("The stored secret's key failed its integrity check; replace the secret.");
      return key;
    },
  };
}

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

/**
 * The master key: `PATCHBAY_MASTER_KEY` when set, otherwise `<dataDir>/master.key`, created on first start with
 * mode 0600. Losing it makes stored secrets unreadable (they can be replaced); it is never logged. Before creating
 * a new key file, `beforeCreating` may refuse (throw): a missing key beside stored secrets is a lost key, and a new
 * one silently made over them would only hide that.
 */
export async function loadMasterKey(options: {
  fromEnv: string | undefined;
  dataDir: string;
  beforeCreating?: (path: string) => Promise<void>;
}): Promise<Buffer> {
  if (options.fromEnv !== undefined) return Buffer.from(options.fromEnv, "base64");
  const path = join(options.dataDir, "master.key");
  try {
    const key = Buffer.from((await readFile(path, "utf8")).trim(), "base64");
    if (key.length !== 32) throw new MasterKeyError(`${path} does not hold a 32-byte base64 key.`);
    return key;
  } catch (error) {
    if (!(error instanceof Error) || Reflect.get(error, "code") !== "ENOENT") throw error;
  }
  await options.beforeCreating?.(path);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  await writeFile(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
  return key;
}
